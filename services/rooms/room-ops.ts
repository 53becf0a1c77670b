import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventPublisher } from '../../src/events/publisher.js';
import type { RoutableEvent } from '../../src/events/topics.js';
import { makeEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import { nameKey } from '../../src/protocol/names.js';
import type { Admission, CreatedRoom, MemberChange, RoomInfo, RoomSummary } from '../../src/protocol/rooms-api.js';
import { signTicket, type TicketClaims, verifyTicket } from '../../src/tickets/ticket.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { RpcFault } from './faults.js';
import type { Journal } from './journal.js';
import { hashPassphrase, verifyPassphrase } from './passphrase.js';
import type { DirectoryState, Room, RoomChange, RoomDirectory } from './room-directory.js';

export interface RoomOpsSettings {
  ticketTtlMs: number;
  hub: { host: string; port: number };
  passphraseTries: number;
  passphraseWindowMs: number;
}

export interface CreateOptions {
  passphrase?: string | undefined;
  ttlSeconds?: number | undefined;
  topic?: string | undefined;
  unlisted?: boolean | undefined;
}

export interface JoinProof {
  passphrase?: string | undefined;
  ticket?: string | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * The room service's operations. Each one checks everything (including the slow scrypt work)
 * first, then records its change in the journal — durable before anything is answered — applies
 * it, and publishes its event.
 */
export class RoomOps {
  private readonly limiter: AttemptLimiter;
  private listed: { rooms: RoomSummary[]; validUntil: number } | null = null;

  constructor(
    private readonly directory: RoomDirectory,
    private readonly journal: Journal<DirectoryState, RoomChange>,
    private readonly secret: Buffer,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
    private readonly settings: RoomOpsSettings,
  ) {
    this.limiter = new AttemptLimiter(settings.passphraseTries, settings.passphraseWindowMs);
  }

  get roomCount(): number {
    return this.directory.size;
  }

  async createRoom(name: string, user: string, options: CreateOptions): Promise<CreatedRoom> {
    const passphrase = options.passphrase ? await hashPassphrase(options.passphrase) : null;
    const now = Date.now();
    this.expireIfDue(name, now);
    if (this.directory.get(name)) throw new RpcFault('room_exists', `a room named ${name} already exists; pick another name, or join it`);
    const ownerKey = randomBytes(24).toString('base64url');
    const room: Room = {
      name,
      owner: user,
      ownerKeyHash: hashKey(ownerKey).toString('base64'),
      topic: options.topic ?? '',
      unlisted: options.unlisted ?? false,
      passphrase,
      createdAt: now,
      expiresAt: options.ttlSeconds ? now + options.ttlSeconds * 1000 : null,
      members: { [nameKey(user)]: { name: user, joinedAt: now } },
      revoked: {},
    };
    const durable = this.commit({ op: 'create', room }, () =>
      makeEvent('room.created', 'rooms', {
        room: name,
        user,
        private: passphrase !== null,
        unlisted: room.unlisted,
        expires_at: room.expiresAt ? iso(room.expiresAt) : null,
        members: 1,
      }),
    );
    this.logger.info({ room: name, user, private: passphrase !== null, temporary: room.expiresAt !== null }, 'room created');
    const created = this.directory.get(name)!;
    const admission = this.admit(created, user, now);
    await durable;
    return {
      ...admission,
      owner_key: ownerKey,
      topic: created.topic,
      private: passphrase !== null,
      unlisted: created.unlisted,
      ...(created.expiresAt ? { room_expires_at: iso(created.expiresAt) } : {}),
    };
  }

  async joinRoom(name: string, user: string, proof: JoinProof, clientAddress: string): Promise<Admission> {
    const room = this.live(name);
    const userKey = nameKey(user);
    if (room.revoked[userKey] !== undefined)
      throw new RpcFault('kicked', `${user} was removed from room ${room.name} by its owner and cannot join it again`);
    const holder = proof.ticket !== undefined ? this.ticketHolder(proof.ticket, room, { allowExpired: true }) : undefined;
    const provesName = holder !== undefined && nameKey(holder.user) === userKey;
    if (room.passphrase && !provesName) await this.checkPassphrase(room, proof.passphrase, clientAddress);
    const now = Date.now();
    const current = this.live(name);
    const member = current.members[userKey];
    if (member && !provesName) {
      throw new RpcFault(
        'name_taken',
        `the name ${member.name} is already taken in room ${current.name}; choose another name, or pass that name's ticket to rejoin`,
      );
    }
    let durable: Promise<void> | undefined;
    if (!member) {
      durable = this.commit({ op: 'join', room: current.name, user, at: now }, () =>
        makeEvent('room.joined', 'rooms', { room: current.name, user, members: Object.keys(current.members).length, issued_at: now }),
      );
      // Joins are the service's bulk traffic; room.joined reports each one, the log only at debug.
      this.logger.debug({ room: current.name, user, members: Object.keys(current.members).length }, 'user joined room');
    }
    const admission = this.admit(current, member?.name ?? user, now);
    await durable;
    return admission;
  }

  listRooms(): RoomSummary[] {
    const now = Date.now();
    // Listing is the most frequent call and changes are rare: the answer is kept until the next
    // change, or until the first listed room in it expires.
    if (this.listed && now < this.listed.validUntil) return this.listed.rooms;
    const rooms = this.directory
      .all()
      .filter((room) => !room.unlisted && !this.isExpired(room, now))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((room) => ({
        name: room.name,
        topic: room.topic,
        members: Object.keys(room.members).length,
        private: room.passphrase !== null,
        ...(room.expiresAt ? { expires_at: iso(room.expiresAt) } : {}),
      }));
    const validUntil = Math.min(...rooms.map((room) => (room.expires_at ? Date.parse(room.expires_at) : Infinity)));
    this.listed = { rooms, validUntil };
    return rooms;
  }

  roomInfo(name: string, ticket: string | undefined): RoomInfo {
    const room = this.live(name);
    const holder = ticket !== undefined ? this.ticketHolder(ticket, room, { allowExpired: false }) : undefined;
    if (ticket !== undefined && !holder)
      throw new RpcFault('bad_ticket', `that ticket does not admit anyone to room ${room.name}; join the room again for a fresh one`);
    const seesMembers = room.passphrase === null || holder !== undefined;
    return {
      name: room.name,
      topic: room.topic,
      owner: room.owner,
      private: room.passphrase !== null,
      unlisted: room.unlisted,
      members: Object.keys(room.members).length,
      created_at: iso(room.createdAt),
      ...(room.expiresAt ? { expires_at: iso(room.expiresAt) } : {}),
      ...(seesMembers ? { member_names: this.memberNames(room) } : {}),
    };
  }

  async leaveRoom(name: string, ticket: string): Promise<MemberChange> {
    const room = this.live(name);
    const holder = this.ticketHolder(ticket, room, { allowExpired: true });
    const member = holder && room.members[nameKey(holder.user)];
    if (!holder || !member) throw new RpcFault('bad_ticket', `that ticket does not belong to a member of room ${room.name}`);
    const durable = this.commit({ op: 'leave', room: room.name, user: member.name }, () =>
      makeEvent('room.left', 'rooms', { room: room.name, user: member.name, members: Object.keys(room.members).length }),
    );
    const members = Object.keys(room.members).length;
    this.logger.info({ room: room.name, user: member.name, members }, 'user left room');
    await durable;
    return { room: room.name, user: member.name, members };
  }

  async deleteRoom(name: string, ownerKey: string): Promise<{ room: string; deleted: true }> {
    const room = this.live(name);
    this.checkOwner(room, ownerKey);
    const durable = this.commit({ op: 'delete', room: room.name }, () =>
      makeEvent('room.deleted', 'rooms', { room: room.name, user: room.owner }),
    );
    this.logger.info({ room: room.name, user: room.owner }, 'room deleted');
    await durable;
    return { room: room.name, deleted: true };
  }

  async kick(name: string, ownerKey: string, user: string): Promise<MemberChange> {
    const room = this.live(name);
    this.checkOwner(room, ownerKey);
    if (nameKey(user) === nameKey(room.owner))
      throw new RpcFault('invalid_params', `kick: the owner cannot kick themselves; delete the room instead`);
    const target = room.members[nameKey(user)]?.name ?? user;
    // Every ticket issued up to now is void; a later one is impossible since a kicked name cannot join.
    const revokedBefore = Date.now() + 1;
    const durable = this.commit({ op: 'kick', room: room.name, user: target, revokedBefore }, () =>
      makeEvent('room.kicked', 'rooms', {
        room: room.name,
        user: target,
        by: room.owner,
        members: Object.keys(room.members).length,
        revoked_before: revokedBefore,
      }),
    );
    const members = Object.keys(room.members).length;
    this.logger.info({ room: room.name, user: target, members }, 'user kicked from room');
    await durable;
    return { room: room.name, user: target, members };
  }

  /** Removes every room whose time is up; run on a timer and at start-up. */
  expireDue(now = Date.now()): number {
    let expired = 0;
    for (const room of this.directory.all()) {
      if (this.isExpired(room, now)) {
        this.expire(room);
        expired++;
      }
    }
    this.limiter.sweep(now);
    return expired;
  }

  private expire(room: Room): void {
    const members = Object.keys(room.members).length;
    this.commit({ op: 'expire', room: room.name }, () => makeEvent('room.expired', 'rooms', { room: room.name, members })).catch(
      (error: unknown) => this.logger.error({ err: error, room: room.name }, 'could not record the expiry of a room'),
    );
    this.logger.info({ room: room.name, members }, 'room expired');
  }

  private expireIfDue(name: string, now: number): void {
    const room = this.directory.get(name);
    if (room && this.isExpired(room, now)) this.expire(room);
  }

  private isExpired(room: Room, now: number): boolean {
    return room.expiresAt !== null && room.expiresAt <= now;
  }

  /** The room, or the fault that says why there is none to use. */
  private live(name: string): Room {
    const room = this.directory.get(name);
    if (!room) throw new RpcFault('no_such_room', `there is no room named ${name}; list the rooms, or create it`);
    if (this.isExpired(room, Date.now())) {
      this.expire(room);
      throw new RpcFault('room_expired', `room ${room.name} has expired and was deleted`);
    }
    return room;
  }

  /**
   * Records a change, applies it, and resolves once it is durable (then publishes its event): the
   * caller answers only then.
   * Other calls may see the change before its fsync completes; a crash in between loses it, but
   * it was never acknowledged to anyone.
   */
  private async commit(change: RoomChange, describe?: () => RoutableEvent): Promise<void> {
    const durable = this.journal.appendDurably(change);
    this.directory.apply(change);
    this.listed = null;
    const event = describe?.();
    if (this.journal.wantsCompaction) this.journal.compact(this.directory.snapshot());
    await durable;
    // Published only once durable, so no subscriber hears of a change a crash could still undo.
    if (event) this.events.publish(event);
  }

  private admit(room: Room, user: string, now: number): Admission {
    const exp = now + this.settings.ticketTtlMs;
    return {
      room: room.name,
      user,
      ticket: signTicket(this.secret, { user, room: room.name, iat: now, exp }),
      expires_at: iso(exp),
      hub: this.settings.hub,
      members: this.memberNames(room),
    };
  }

  /** In the order they joined. */
  private memberNames(room: Room): string[] {
    return Object.values(room.members).map((member) => member.name);
  }

  private ticketHolder(ticket: string, room: Room, { allowExpired }: { allowExpired: boolean }): TicketClaims | undefined {
    const check = verifyTicket(this.secret, ticket);
    const claims = check.ok ? check.claims : check.reason === 'ticket_expired' && allowExpired ? check.claims : undefined;
    if (!claims || nameKey(claims.room) !== nameKey(room.name)) return undefined;
    const revokedBefore = room.revoked[nameKey(claims.user)];
    if (revokedBefore !== undefined && claims.iat < revokedBefore) return undefined;
    return claims;
  }

  private async checkPassphrase(room: Room, passphrase: string | undefined, clientAddress: string): Promise<void> {
    if (passphrase === undefined || passphrase === '')
      throw new RpcFault('wrong_passphrase', `room ${room.name} is private: give its passphrase`);
    const key = `${nameKey(room.name)} ${clientAddress}`;
    const wait = this.limiter.retryAfter(key);
    if (wait > 0)
      throw new RpcFault('too_many_attempts', `too many wrong passphrases for room ${room.name}; try again in ${Math.ceil(wait / 1000)} s`);
    if (!(await verifyPassphrase(passphrase, room.passphrase!))) {
      this.limiter.recordFailure(key);
      this.logger.warn({ room: room.name, client: clientAddress }, 'wrong passphrase');
      throw new RpcFault('wrong_passphrase', `wrong passphrase for room ${room.name}`);
    }
  }

  private checkOwner(room: Room, ownerKey: string): void {
    const given = hashKey(ownerKey);
    const stored = Buffer.from(room.ownerKeyHash, 'base64');
    if (!timingSafeEqual(given, stored))
      throw new RpcFault('not_owner', `that owner key does not own room ${room.name}; only its creator can do this`);
  }
}
