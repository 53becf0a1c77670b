import { describe, expect, it } from 'vitest';
import { TicketGate } from '../../../services/hub/ticket-gate.js';
import { TokenBucket } from '../../../src/limits/token-bucket.js';
import { signTicket } from '../../../src/tickets/ticket.js';

const secret = Buffer.from('unit-test-secret-0123456789abcdef');
const T0 = 1_800_000_000_000;
const ticket = (user: string, room: string, iat: number, exp = iat + 60_000): string => signTicket(secret, { user, room, iat, exp });

describe('ticket gate', () => {
  it('admits a genuine ticket and tells forged from expired ones', () => {
    const gate = new TicketGate(secret);
    expect(gate.check(ticket('alice', 'study', T0), T0 + 1)).toMatchObject({ ok: true, claims: { user: 'alice', room: 'study' } });
    expect(gate.check(ticket('alice', 'study', T0), T0 + 60_001)).toMatchObject({ ok: false, code: 'ticket_expired' });
    expect(
      gate.check(signTicket(Buffer.from('another secret'), { user: 'alice', room: 'study', iat: T0, exp: T0 + 60_000 }), T0 + 1),
    ).toMatchObject({ ok: false, code: 'bad_ticket' });
  });

  it("refuses a kicked user's tickets issued before the kick, whatever the case of the names, but not later ones", () => {
    const gate = new TicketGate(secret);
    gate.revoke('Study', 'ALICE', T0 + 100);
    expect(gate.check(ticket('alice', 'study', T0 + 99), T0 + 200)).toMatchObject({ ok: false, code: 'bad_ticket' });
    expect(gate.check(ticket('alice', 'study', T0 + 100), T0 + 200)).toMatchObject({ ok: true });
    expect(gate.check(ticket('bob', 'study', T0), T0 + 200)).toMatchObject({ ok: true });
    expect(gate.check(ticket('alice', 'other', T0), T0 + 200)).toMatchObject({ ok: true });
  });

  it('keeps the latest revocation when an older kick arrives late', () => {
    const gate = new TicketGate(secret);
    gate.revoke('study', 'alice', T0 + 500);
    gate.revoke('study', 'alice', T0 + 100);
    expect(gate.check(ticket('alice', 'study', T0 + 300), T0 + 600)).toMatchObject({ ok: false, code: 'bad_ticket' });
  });

  it('refuses tickets of a closed room, but admits a later room of the same name', () => {
    const gate = new TicketGate(secret);
    gate.close('study', T0 + 100);
    expect(gate.check(ticket('alice', 'study', T0), T0 + 200)).toMatchObject({ ok: false, code: 'room_closed' });
    expect(gate.check(ticket('alice', 'study', T0 + 150), T0 + 200)).toMatchObject({ ok: true });
  });
});

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const bucket = new TokenBucket(20, 40, 0);
    const burst = Array.from({ length: 45 }, () => bucket.take(0)).filter(Boolean).length;
    expect(burst).toBe(40);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(50)).toBe(true);
    expect(bucket.take(50)).toBe(false);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = new TokenBucket(20, 3, 0);
    const taken = Array.from({ length: 10 }, () => bucket.take(3_600_000)).filter(Boolean).length;
    expect(taken).toBe(3);
  });
});
