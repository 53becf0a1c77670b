import type { ErrorCode } from '../../src/protocol/frames.js';
import { nameKey } from '../../src/protocol/names.js';
import type { RoomsSnapshot } from '../../src/protocol/rooms-api.js';
import { instanceCreatedAt } from '../../src/tickets/room-instance.js';
import { type TicketClaims, verifyTicket } from '../../src/tickets/ticket.js';

/** Whether a ticket lets its holder in now, and if not the error to answer with. */
type GateDecision = { ok: true; claims: TicketClaims } | { ok: false; code: ErrorCode; message: string };

interface OpenInstance {
  name: string;
  instance: string;
  createdAt: number;
  /** nameKey(user) → tickets issued before this instant are refused. */
  revoked: Map<string, number>;
}

/** A sender's clock is believed this far ahead of ours, no further. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Decides locally whether a ticket admits its holder: the HMAC and expiry from the room service's
 * signature, then what the hub knows of room instances — from the last `hub_sync` with the room
 * service and from signed room events since. A ticket is good for its own instance only:
 *
 * - the instance the hub knows to be open: yes, unless its user was kicked after the ticket was issued;
 * - an older instance than the open one, or one closed since: no (`room_closed`);
 * - an instance the hub has not heard of: yes only if it was created after everything the hub knows
 *   of that name (the last sync, the last instance closed), since then it can only be a newer room
 *   whose creation the hub missed — and from then on that is the open instance.
 *
 * Everything here is bounded: one entry per open room (`maxRooms`, oldest first out) and one
 * "nothing created before" mark per room closed since the last sync.
 */
export class TicketGate {
  private readonly open = new Map<string, OpenInstance>();
  /** nameKey(room) → no instance of that name created at or before this instant is open. */
  private readonly closedBefore = new Map<string, number>();
  private syncedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly secret: Buffer,
    private readonly maxRooms = 100_000,
  ) {}

  check(ticket: string, now = Date.now()): GateDecision {
    const result = verifyTicket(this.secret, ticket, now);
    if (!result.ok) {
      return result.reason === 'ticket_expired'
        ? { ok: false, code: 'ticket_expired', message: 'the ticket has expired; join the room again for a fresh one' }
        : { ok: false, code: 'bad_ticket', message: 'the ticket is not valid; get one from the room service (thiscord rooms join)' };
    }
    const { claims } = result;
    const createdAt = instanceCreatedAt(claims.instance);
    const known = this.open.get(nameKey(claims.room));
    if (known?.instance === claims.instance) {
      if (claims.iat < (known.revoked.get(nameKey(claims.user)) ?? Number.NEGATIVE_INFINITY)) {
        return { ok: false, code: 'bad_ticket', message: `${claims.user} was removed from room ${claims.room}` };
      }
      return { ok: true, claims };
    }
    if (createdAt <= this.floor(claims.room))
      return { ok: false, code: 'room_closed', message: `room ${claims.room} was closed; this ticket was for it` };
    this.remember(claims.room, claims.instance);
    return { ok: true, claims };
  }

  /** Whether a member who entered the open instance with a ticket issued at `issuedAt` may stay. */
  admitsHolder(room: string, user: string, issuedAt: number): boolean {
    const known = this.open.get(nameKey(room));
    return known !== undefined && issuedAt >= (known.revoked.get(nameKey(user)) ?? Number.NEGATIVE_INFINITY);
  }

  /** The open instance of a room, if the hub knows one. */
  instanceOf(room: string): string | undefined {
    return this.open.get(nameKey(room))?.instance;
  }

  /** A signed `room.created`: this instance is the room's open one (unless a newer one is known). */
  opened(room: string, instance: string): void {
    if (this.open.get(nameKey(room))?.instance === instance || instanceCreatedAt(instance) <= this.floor(room)) return;
    this.remember(room, instance);
  }

  /** No instance of this name created at or before this instant can be open. */
  private floor(room: string): number {
    const key = nameKey(room);
    return Math.max(
      this.syncedAt,
      this.closedBefore.get(key) ?? Number.NEGATIVE_INFINITY,
      this.open.get(key)?.createdAt ?? Number.NEGATIVE_INFINITY,
    );
  }

  /** A signed `room.deleted` or `room.expired`: that instance and every older one are gone. */
  closed(room: string, instance: string): void {
    const key = nameKey(room);
    const createdAt = instanceCreatedAt(instance);
    this.closedBefore.set(key, Math.max(createdAt, this.closedBefore.get(key) ?? Number.NEGATIVE_INFINITY));
    const known = this.open.get(key);
    if (known && known.createdAt <= createdAt) this.open.delete(key);
  }

  /**
   * A signed `room.kicked`: the user's tickets for that instance issued before `before` stop
   * working. A sender's time is trusted only up to a minute ahead of ours, so a forged or skewed
   * instant cannot lock a user out beyond what a kick now would.
   */
  revoke(room: string, instance: string, user: string, before: number, now = Date.now()): void {
    let known = this.open.get(nameKey(room));
    if (known?.instance !== instance) {
      // A kick in an instance the hub has not heard of (its creation was missed): it is genuine
      // (signed), so it is the open instance if it is newer than anything known of that name.
      if (instanceCreatedAt(instance) <= this.floor(room)) return;
      known = this.remember(room, instance);
    }
    const instant = Math.min(before, now + CLOCK_SKEW_MS);
    const key = nameKey(user);
    known.revoked.set(key, Math.max(instant, known.revoked.get(key) ?? Number.NEGATIVE_INFINITY));
  }

  /** Replaces what the hub knows with the room service's snapshot; says which open instances went. */
  sync(snapshot: RoomsSnapshot, now = Date.now()): string[] {
    const before = [...this.open.values()];
    this.open.clear();
    for (const room of snapshot.rooms) {
      const entry = this.remember(room.name, room.instance);
      for (const { user, before: instant } of room.revoked) entry.revoked.set(nameKey(user), Math.min(instant, now + CLOCK_SKEW_MS));
    }
    this.syncedAt = Math.min(snapshot.at, now + CLOCK_SKEW_MS);
    for (const [key, instant] of this.closedBefore) if (instant <= this.syncedAt) this.closedBefore.delete(key);
    return before.filter((old) => this.open.get(nameKey(old.name))?.instance !== old.instance).map((old) => old.name);
  }

  private remember(room: string, instance: string): OpenInstance {
    const key = nameKey(room);
    this.open.delete(key);
    const entry: OpenInstance = { name: room, instance, createdAt: instanceCreatedAt(instance), revoked: new Map() };
    this.open.set(key, entry);
    if (this.open.size > this.maxRooms) this.open.delete(this.open.keys().next().value!);
    return entry;
  }
}
