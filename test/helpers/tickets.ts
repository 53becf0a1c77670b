import { newInstanceId } from '../../src/tickets/room-instance.js';
import { signTicket } from '../../src/tickets/ticket.js';

/** Tests that exercise the hub alone sign tickets with a secret they hand it as THISCORD_SECRET. */
export const TEST_SECRET = 'hub-test-secret-0123456789abcdef0123';

/** One instance per room name in a test process, as a room service would have created it. */
const instances = new Map<string, string>();

export function instanceOf(room: string): string {
  let id = instances.get(room.toLowerCase());
  if (!id) instances.set(room.toLowerCase(), (id = newInstanceId(Date.now())));
  return id;
}

export function ticket(user: string, room: string, ttlMs = 60_000, instance = instanceOf(room)): string {
  const now = Date.now();
  return signTicket(Buffer.from(TEST_SECRET), { user, room, instance, iat: now, exp: now + ttlMs });
}
