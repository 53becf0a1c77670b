import type { Admission } from '../../src/protocol/rooms-api.js';
import { signTicket } from '../../src/tickets/ticket.js';
import type { Room } from './room-directory.js';
import { iso, memberNames } from './room-rules.js';

export interface TicketSettings {
  ticketTtlMs: number;
  /** Where the ticket is to be used, as the client should reach it. */
  hub: { host: string; port: number };
}

/** Signs the tickets the hub admits by, and wraps one in the admission join_room answers with. */
export class TicketIssuer {
  constructor(
    private readonly secret: Buffer,
    private readonly settings: TicketSettings,
  ) {}

  admit(room: Room, user: string, now: number): Admission {
    const exp = now + this.settings.ticketTtlMs;
    return {
      room: room.name,
      user,
      ticket: signTicket(this.secret, { user, room: room.name, instance: room.instance, iat: now, exp }),
      expires_at: iso(exp),
      hub: this.settings.hub,
      members: memberNames(room),
    };
  }
}
