import type { EventPublisher } from '../../src/events/publisher.js';
import { eventSigningKey } from '../../src/events/signature.js';
import { makeEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import { nameKey } from '../../src/protocol/names.js';
import type {
  Admission,
  CreatedRoom,
  CreateOptions,
  JoinProof,
  MemberChange,
  RoomInfo,
  RoomSummary,
  RoomsSnapshot,
} from '../../src/protocol/rooms-api.js';
import { newInstanceId } from '../../src/tickets/room-instance.js';
import { CommitPipeline } from './commit-pipeline.js';
import { CreationQuota, type RoomQuotas } from './creation-quota.js';
import { RpcFault } from './faults.js';
import type { Journal } from './journal.js';
import { type AccessSettings, RoomAccess } from './room-access.js';
import type { DirectoryState, Room, RoomChange, RoomDirectory, StoredRoom } from './room-directory.js';
import { RoomList } from './room-list.js';
import { isExpired, iso, memberNames } from './room-rules.js';
import { TicketIssuer, type TicketSettings } from './ticket-issuer.js';

type RoomOpsSettings = TicketSettings & AccessSettings & RoomQuotas;

/**
 * The room service's operations. Each one checks everything (including the slow scrypt work)
 * first, then commits its change (durable before anything is answered) with its event.
 */
export class RoomOps {
  private readonly access: RoomAccess;
  private readonly tickets: TicketIssuer;
  private readonly list: RoomList;
  private readonly pipeline: CommitPipeline;
  private readonly quota: CreationQuota;

  constructor(
    private readonly directory: RoomDirectory,
    journal: Journal<DirectoryState, RoomChange>,
    secret: Buffer,
    events: EventPublisher,
    private readonly logger: Logger,
    settings: RoomOpsSettings,
  ) {
    this.access = new RoomAccess(secret, logger, settings);
    this.quota = new CreationQuota(settings);
    this.tickets = new TicketIssuer(secret, settings);
    this.list = new RoomList(directory);
    this.pipeline = new CommitPipeline(directory, journal, events, eventSigningKey(secret), () => this.list.invalidate());
  }

  get roomCount(): number {
    return this.directory.size;
  }

  async createRoom(name: string, user: string, options: CreateOptions, clientAddress: string): Promise<CreatedRoom> {
    // Everything cheap first: a taken name or a spent quota costs no hashing.
    this.ensureFree(name);
    this.quota.check(this.directory.size, user, clientAddress);
    const passphrase = options.passphrase ? await this.access.hashForRoom(options.passphrase) : null;
    // Checked again: another call may have taken the name while this one was hashing.
    this.ensureFree(name);
    this.quota.check(this.directory.size, user, clientAddress);
    const now = Date.now();
    this.quota.record(user, clientAddress, now);
    const ownerKey = this.access.issueOwnerKey();
    const room: StoredRoom = {
      name,
      instance: newInstanceId(now),
      owner: user,
      ownerKeyHash: ownerKey.hash,
      topic: options.topic ?? '',
      unlisted: options.unlisted ?? false,
      passphrase,
      createdAt: now,
      expiresAt: options.ttl_seconds ? now + options.ttl_seconds * 1000 : null,
      members: { [nameKey(user)]: { name: user, joinedAt: now } },
      revoked: {},
    };
    const durable = this.pipeline.commit({ op: 'create', room }, () =>
      makeEvent('room.created', 'rooms', {
        room: name,
        instance: room.instance,
        user,
        private: passphrase !== null,
        unlisted: room.unlisted,
        expires_at: room.expiresAt ? iso(room.expiresAt) : null,
        members: 1,
      }),
    );
    this.logger.info({ room: name, user, private: passphrase !== null, temporary: room.expiresAt !== null }, 'room created');
    const created = this.directory.get(name)!;
    const admission = this.tickets.admit(created, user, now);
    await durable;
    return {
      ...admission,
      owner_key: ownerKey.key,
      topic: created.topic,
      private: passphrase !== null,
      unlisted: created.unlisted,
      ...(created.expiresAt ? { room_expires_at: iso(created.expiresAt) } : {}),
    };
  }

  async joinRoom(name: string, user: string, proof: JoinProof, clientAddress: string): Promise<Admission> {
    const room = this.live(name);
    const userKey = nameKey(user);
    this.ensureNotKicked(room, user);
    const holder = proof.ticket !== undefined ? this.access.ticketHolder(proof.ticket, room, { renewing: true }) : undefined;
    const provesName = holder !== undefined && nameKey(holder.user) === userKey;
    if (room.passphrase && !provesName) await this.access.checkPassphrase(room, proof.passphrase, clientAddress);
    const now = Date.now();
    // The passphrase check awaited: the room may have been deleted and made again, or the name kicked, meanwhile.
    const current = this.live(name);
    if (current.instance !== room.instance) throw new RpcFault('no_such_room', `room ${room.name} was deleted while you were joining it`);
    this.ensureNotKicked(current, user);
    const member = current.members.get(userKey);
    if (member && !provesName) {
      throw new RpcFault(
        'name_taken',
        `the name ${member.name} is already taken in room ${current.name}; choose another name, or pass that name's ticket to rejoin`,
      );
    }
    let durable: Promise<void> | undefined;
    if (!member) {
      // Counted before the change is applied: the join adds exactly this user.
      const members = current.members.size + 1;
      durable = this.pipeline.commit({ op: 'join', room: current.name, user, at: now }, () =>
        makeEvent('room.joined', 'rooms', { room: current.name, instance: current.instance, user, members, issued_at: now }),
      );
      // Joins are the service's bulk traffic; room.joined reports each one, the log only at debug.
      this.logger.debug({ room: current.name, user, members }, 'user joined room');
    }
    const admission = this.tickets.admit(current, member?.name ?? user, now);
    await durable;
    return admission;
  }

  listRooms(): RoomSummary[] {
    return this.list.list(Date.now());
  }

  roomInfo(name: string, ticket: string | undefined): RoomInfo {
    const room = this.live(name);
    const holder = ticket !== undefined ? this.access.ticketHolder(ticket, room, { renewing: false }) : undefined;
    if (ticket !== undefined && !holder)
      throw new RpcFault('bad_ticket', `that ticket does not admit anyone to room ${room.name}; join the room again for a fresh one`);
    const seesMembers = room.passphrase === null || holder !== undefined;
    return {
      name: room.name,
      topic: room.topic,
      owner: room.owner,
      private: room.passphrase !== null,
      unlisted: room.unlisted,
      members: room.members.size,
      created_at: iso(room.createdAt),
      ...(room.expiresAt ? { expires_at: iso(room.expiresAt) } : {}),
      ...(seesMembers ? { member_names: memberNames(room) } : {}),
    };
  }

  async leaveRoom(name: string, ticket: string): Promise<MemberChange> {
    const room = this.live(name);
    const holder = this.access.ticketHolder(ticket, room, { renewing: true });
    const member = holder && room.members.get(nameKey(holder.user));
    if (!holder || !member) throw new RpcFault('bad_ticket', `that ticket does not belong to a member of room ${room.name}`);
    const durable = this.pipeline.commit({ op: 'leave', room: room.name, user: member.name }, () =>
      makeEvent('room.left', 'rooms', { room: room.name, instance: room.instance, user: member.name, members: room.members.size }),
    );
    const members = room.members.size;
    this.logger.info({ room: room.name, user: member.name, members }, 'user left room');
    await durable;
    return { room: room.name, user: member.name, members };
  }

  async deleteRoom(name: string, ownerKey: string): Promise<{ room: string; deleted: true }> {
    const room = this.live(name);
    this.access.checkOwner(room, ownerKey);
    const durable = this.pipeline.commit({ op: 'delete', room: room.name }, () =>
      makeEvent('room.deleted', 'rooms', { room: room.name, instance: room.instance, user: room.owner }),
    );
    this.logger.info({ room: room.name, user: room.owner }, 'room deleted');
    await durable;
    return { room: room.name, deleted: true };
  }

  async kick(name: string, ownerKey: string, user: string): Promise<MemberChange> {
    const room = this.live(name);
    this.access.checkOwner(room, ownerKey);
    if (nameKey(user) === nameKey(room.owner))
      throw new RpcFault('invalid_params', `kick: the owner cannot kick themselves; delete the room instead`);
    const target = room.members.get(nameKey(user))?.name ?? user;
    // Every ticket issued up to now is void; a later one is impossible since a kicked name cannot join.
    const revokedBefore = Date.now() + 1;
    const durable = this.pipeline.commit({ op: 'kick', room: room.name, user: target, revokedBefore }, () =>
      makeEvent('room.kicked', 'rooms', {
        room: room.name,
        instance: room.instance,
        user: target,
        by: room.owner,
        members: room.members.size,
        revoked_before: revokedBefore,
      }),
    );
    const members = room.members.size;
    this.logger.info({ room: room.name, user: target, members }, 'user kicked from room');
    await durable;
    return { room: room.name, user: target, members };
  }

  /** What hubs resynchronise from: every open room instance and the kicks that still void tickets. */
  hubSync(proof: string): RoomsSnapshot {
    if (!this.access.isHub(proof)) throw new RpcFault('bad_ticket', 'hub_sync is for hubs of this stack: the proof does not verify');
    const now = Date.now();
    const rooms = this.directory
      .all()
      .filter((room) => !isExpired(room, now))
      .map((room) => ({
        name: room.name,
        instance: room.instance,
        revoked: Array.from(room.revoked, ([user, before]) => ({ user, before })),
      }));
    return { at: now, rooms };
  }

  /** Removes every room whose time is up; run on a timer and at start-up. */
  expireDue(now = Date.now()): number {
    let expired = 0;
    for (const room of this.directory.all()) {
      if (isExpired(room, now)) {
        this.expire(room);
        expired++;
      }
    }
    this.access.sweep(now);
    return expired;
  }

  private expire(room: Room): void {
    const members = room.members.size;
    const couldNot = (error: unknown): void => this.logger.error({ err: error, room: room.name }, 'could not record the expiry of a room');
    try {
      this.pipeline
        .commit({ op: 'expire', room: room.name }, () =>
          makeEvent('room.expired', 'rooms', { room: room.name, instance: room.instance, members }),
        )
        .catch(couldNot);
    } catch (error) {
      // Refused before anything changed (a full disk): the room stays until the next check.
      return couldNot(error);
    }
    this.logger.info({ room: room.name, members }, 'room expired');
  }

  private ensureFree(name: string): void {
    const room = this.directory.get(name);
    if (room && isExpired(room, Date.now())) this.expire(room);
    else if (room) throw new RpcFault('room_exists', `a room named ${name} already exists; pick another name, or join it`);
  }

  private ensureNotKicked(room: Room, user: string): void {
    if (room.revoked.has(nameKey(user)))
      throw new RpcFault('kicked', `${user} was removed from room ${room.name} by its owner and cannot join it again`);
  }

  /** The room, or the fault that says why there is none to use. */
  private live(name: string): Room {
    const room = this.directory.get(name);
    if (!room) throw new RpcFault('no_such_room', `there is no room named ${name}; list the rooms, or create it`);
    if (isExpired(room, Date.now())) {
      this.expire(room);
      throw new RpcFault('room_expired', `room ${room.name} has expired and was deleted`);
    }
    return room;
  }
}
