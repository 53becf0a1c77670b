import { signTicket } from '../../src/tickets/ticket.js';

/** Tests that exercise the hub alone sign tickets with a secret they hand it as THISCORD_SECRET. */
export const TEST_SECRET = 'hub-test-secret-0123456789abcdef0123';

export function ticket(user: string, room: string, ttlMs = 60_000): string {
  const now = Date.now();
  return signTicket(Buffer.from(TEST_SECRET), { user, room, iat: now, exp: now + ttlMs });
}
