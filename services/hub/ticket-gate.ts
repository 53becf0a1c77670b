import type { ErrorCode } from '../../src/protocol/frames.js';
import { nameKey } from '../../src/protocol/names.js';
import { type TicketClaims, verifyTicket } from '../../src/tickets/ticket.js';

/** Whether a ticket lets its holder in now, and if not the error to answer with. */
type GateDecision = { ok: true; claims: TicketClaims } | { ok: false; code: ErrorCode; message: string };

/**
 * Decides locally whether a ticket admits its holder: the HMAC and expiry from the room service's
 * signature, then what the hub has learnt from room events since — kicks (tickets of a user for a
 * room issued before an instant) and closed rooms (tickets issued before the room was deleted or
 * expired, so a later room of the same name is not affected).
 */
export class TicketGate {
  private readonly revoked = new Map<string, number>();
  private readonly closed = new Map<string, number>();

  constructor(private readonly secret: Buffer) {}

  check(ticket: string, now = Date.now()): GateDecision {
    const result = verifyTicket(this.secret, ticket, now);
    if (!result.ok) {
      return result.reason === 'ticket_expired'
        ? { ok: false, code: 'ticket_expired', message: 'the ticket has expired; join the room again for a fresh one' }
        : { ok: false, code: 'bad_ticket', message: 'the ticket is not valid; get one from the room service (thiscord rooms join)' };
    }
    const { claims } = result;
    const roomKey = nameKey(claims.room);
    if (claims.iat < (this.closed.get(roomKey) ?? -Infinity)) {
      return { ok: false, code: 'room_closed', message: `room ${claims.room} was closed` };
    }
    if (claims.iat < (this.revoked.get(`${roomKey} ${nameKey(claims.user)}`) ?? -Infinity)) {
      return { ok: false, code: 'bad_ticket', message: `${claims.user} was removed from room ${claims.room}` };
    }
    return { ok: true, claims };
  }

  revoke(room: string, user: string, before: number): void {
    const key = `${nameKey(room)} ${nameKey(user)}`;
    this.revoked.set(key, Math.max(before, this.revoked.get(key) ?? 0));
  }

  close(room: string, at: number): void {
    this.closed.set(nameKey(room), Math.max(at, this.closed.get(nameKey(room)) ?? 0));
  }
}
