import { describe, expect, it } from 'vitest';
import { TicketGate } from '../../../services/hub/ticket-gate.js';
import { TokenBucket } from '../../../src/limits/token-bucket.js';
import { newInstanceId } from '../../../src/tickets/room-instance.js';
import { signTicket } from '../../../src/tickets/ticket.js';

const secret = Buffer.from('unit-test-secret-0123456789abcdef');
const T0 = 1_800_000_000_000;
const STUDY_1 = newInstanceId(T0 - 1000);
const STUDY_2 = newInstanceId(T0 + 5000);
const ticket = (user: string, room: string, iat: number, instance = STUDY_1, exp = iat + 60_000): string =>
  signTicket(secret, { user, room, instance, iat, exp });

describe('ticket gate', () => {
  it('admits a genuine ticket and tells forged from expired ones', () => {
    const gate = new TicketGate(secret);
    expect(gate.check(ticket('alice', 'study', T0), T0 + 1)).toMatchObject({ ok: true, claims: { user: 'alice', room: 'study' } });
    expect(gate.check(ticket('alice', 'study', T0), T0 + 60_001)).toMatchObject({ ok: false, code: 'ticket_expired' });
    expect(
      gate.check(
        signTicket(Buffer.from('another secret'), { user: 'alice', room: 'study', instance: STUDY_1, iat: T0, exp: T0 + 60_000 }),
        T0 + 1,
      ),
    ).toMatchObject({ ok: false, code: 'bad_ticket' });
  });

  it("refuses a kicked user's tickets for that instance issued before the kick, whatever the case of the names, but not later ones", () => {
    const gate = new TicketGate(secret);
    gate.opened('study', STUDY_1);
    gate.revoke('Study', STUDY_1, 'ALICE', T0 + 100, T0 + 100);
    expect(gate.check(ticket('alice', 'study', T0 + 99), T0 + 200)).toMatchObject({ ok: false, code: 'bad_ticket' });
    expect(gate.check(ticket('alice', 'study', T0 + 100), T0 + 200)).toMatchObject({ ok: true });
    expect(gate.check(ticket('bob', 'study', T0), T0 + 200)).toMatchObject({ ok: true });
    expect(gate.check(ticket('alice', 'other', T0, newInstanceId(T0)), T0 + 200)).toMatchObject({ ok: true });
  });

  it('keeps the latest revocation when an older kick arrives late, and never trusts one far in the future', () => {
    const gate = new TicketGate(secret);
    gate.opened('study', STUDY_1);
    gate.revoke('study', STUDY_1, 'alice', T0 + 500, T0);
    gate.revoke('study', STUDY_1, 'alice', T0 + 100, T0);
    expect(gate.check(ticket('alice', 'study', T0 + 300), T0 + 600)).toMatchObject({ ok: false, code: 'bad_ticket' });
    // A kick dated in 2099 locks the user out for no more than a kick now would.
    gate.revoke('study', STUDY_1, 'bob', Date.UTC(2099, 0, 1), T0);
    expect(gate.check(ticket('bob', 'study', T0 + 120_000), T0 + 120_001)).toMatchObject({ ok: true });
  });

  it('refuses tickets of a closed instance, and of any older one, but admits a later room of the same name', () => {
    const gate = new TicketGate(secret);
    gate.opened('study', STUDY_1);
    gate.closed('study', STUDY_1);
    expect(gate.check(ticket('alice', 'study', T0), T0 + 200)).toMatchObject({ ok: false, code: 'room_closed' });
    expect(gate.check(ticket('alice', 'study', T0, newInstanceId(T0 - 9000)), T0 + 200)).toMatchObject({ ok: false, code: 'room_closed' });
    expect(gate.check(ticket('alice', 'study', T0 + 6000, STUDY_2), T0 + 6001)).toMatchObject({ ok: true });
    expect(gate.instanceOf('study')).toBe(STUDY_2);
    // Once the newer instance is known, a ticket of the old one is refused even with a fresh iat.
    expect(gate.check(ticket('alice', 'study', T0 + 7000, STUDY_1), T0 + 7001)).toMatchObject({ ok: false, code: 'room_closed' });
  });

  it('takes a newer instance it missed the creation of as the open one', () => {
    const gate = new TicketGate(secret);
    gate.opened('study', STUDY_1);
    expect(gate.check(ticket('carol', 'study', T0 + 6000, STUDY_2), T0 + 6001)).toMatchObject({ ok: true });
    expect(gate.check(ticket('alice', 'study', T0 + 6000, STUDY_1), T0 + 6001)).toMatchObject({ ok: false, code: 'room_closed' });
  });

  it("after a sync, admits only the room service's open instances, their kicks included, and names the ones that went", () => {
    const gate = new TicketGate(secret);
    gate.opened('study', STUDY_1);
    gate.opened('gone', newInstanceId(T0 - 500));
    const went = gate.sync(
      { at: T0 + 1000, rooms: [{ name: 'study', instance: STUDY_1, revoked: [{ user: 'alice', before: T0 + 900 }] }] },
      T0 + 1000,
    );
    expect(went).toEqual(['gone']);
    expect(gate.check(ticket('alice', 'study', T0 + 800), T0 + 1001)).toMatchObject({ ok: false, code: 'bad_ticket' });
    expect(gate.check(ticket('bob', 'study', T0 + 800), T0 + 1001)).toMatchObject({ ok: true });
    // Unknown to the room service at the sync and created before it: gone.
    expect(gate.check(ticket('bob', 'gone', T0 + 800, newInstanceId(T0 - 500)), T0 + 1001)).toMatchObject({
      ok: false,
      code: 'room_closed',
    });
    // Created after the sync: a room the hub has not heard of yet.
    expect(gate.check(ticket('bob', 'new', T0 + 2000, newInstanceId(T0 + 1500)), T0 + 2001)).toMatchObject({ ok: true });
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
