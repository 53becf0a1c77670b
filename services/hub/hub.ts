import net from 'node:net';
import type { EventPublisher } from '../../src/events/publisher.js';
import { makeEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import { type ClientFrame, type ErrorCode, encodeFrame } from '../../src/protocol/frames.js';
import { nameKey } from '../../src/protocol/names.js';
import type { RoomsSnapshot } from '../../src/protocol/rooms-api.js';
import { listenOn } from '../../src/runtime/listen.js';
import { instanceCreatedAt } from '../../src/tickets/room-instance.js';
import type { TicketClaims } from '../../src/tickets/ticket.js';
import { Connection, type ConnectionHandler } from './connection.js';
import { ConnectionQuota, type Origin } from './connection-quota.js';
import type { HubLimits } from './limits.js';
import { RoomPresence } from './room-presence.js';
import { type Room, RoomRegistry } from './room-registry.js';
import type { TicketGate } from './ticket-gate.js';
import { TurnSlices } from './turn-slices.js';
import { UserRates } from './user-rates.js';

const SERVER_NAME = 'thiscord-hub/0.1';

/**
 * The chat hub: admits connections by ticket, relays `say` to the other members of a room, and
 * tells rooms who comes and goes (by name, or counted in large rooms: see room-presence.ts). Message text is held only in memory (history) and on sockets;
 * it never reaches a log or an event.
 */
export class Hub implements ConnectionHandler {
  private readonly server: net.Server;
  private readonly localServer: net.Server;
  private readonly connections = new Set<Connection>();
  private readonly quota: ConnectionQuota;
  private readonly rates: UserRates;
  private readonly rooms: RoomRegistry<Connection>;
  private readonly presence: RoomPresence<Connection>;
  private readonly slices: TurnSlices;
  /** nameKey(user) → that user's active connections. */
  private readonly users = new Map<string, Set<Connection>>();
  private readonly sweep: NodeJS.Timeout;
  private relayed = 0;

  constructor(
    private readonly limits: HubLimits,
    private readonly gate: TicketGate,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
  ) {
    this.slices = new TurnSlices(limits.turnSliceMs);
    this.rooms = new RoomRegistry(limits.historySize);
    this.presence = new RoomPresence(this.rooms, this.slices, { limit: limits.presenceLimit, intervalMs: limits.presenceIntervalMs });
    this.quota = new ConnectionQuota({
      maxConnections: limits.maxConnections,
      maxPerAddress: limits.maxConnectionsPerAddress,
      maxPerUser: limits.maxConnectionsPerUser,
    });
    this.rates = new UserRates(limits.ratePerSecond, limits.rateBurst, limits.maxConnections);
    this.server = net.createServer((socket) => this.accept(socket, 'tcp'));
    this.localServer = net.createServer((socket) => this.accept(socket, 'local'));
    // Deadlines are checked a few times per shortest timeout, at most once a second.
    const every = Math.max(25, Math.min(1000, limits.helloTimeoutMs / 4, limits.idleTimeoutMs / 4, limits.pingTimeoutMs / 4));
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const connection of this.connections) connection.checkDeadline(now);
    }, every);
    this.sweep.unref();
  }

  /**
   * Connections admitted by a ticket: people, through TCP or a gateway. Connections that have not
   * said hello (a health probe, a client still connecting) are not counted.
   */
  get connectionCount(): number {
    let admitted = 0;
    for (const connections of this.users.values()) admitted += connections.size;
    return admitted;
  }

  /** Chat messages relayed since start (a count, never what they said). */
  get messagesRelayed(): number {
    return this.relayed;
  }

  get roomsInUse(): number {
    return this.rooms.inUse;
  }

  listen(host: string, port: number): Promise<void> {
    return listenOn(this.server, { host, port, backlog: 4096 });
  }

  /**
   * The local socket, for probes and gateways on this machine: its connections have their own
   * total and never compete with clients for the TCP quotas, so a full hub still answers its
   * supervisor. Its directory (mode 0700) keeps other local users out.
   */
  listenLocal(socketPath: string): Promise<void> {
    return listenOn(this.localServer, { path: socketPath, backlog: 512 });
  }

  /**
   * Says `bye server_shutdown` (or `bye server_restart`, when it comes straight back) to everyone
   * and waits (up to the grace period) for them to go.
   */
  async stop(why: 'server_shutdown' | 'server_restart' = 'server_shutdown'): Promise<void> {
    clearInterval(this.sweep);
    this.presence.stop();
    this.server.close();
    this.localServer.close();
    const sentence =
      why === 'server_restart'
        ? 'the hub is restarting; your client will reconnect by itself in a moment'
        : 'the hub is shutting down; your client will reconnect when it is back';
    for (const connection of this.connections) {
      connection.error(why, sentence);
      connection.close(why);
    }
    const deadline = Date.now() + this.limits.graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const connection of this.connections) connection.destroy();
  }

  /** A signed `room.created`: the hub learns the open instance of that name. */
  roomOpened(name: string, instance: string): void {
    this.gate.opened(name, instance);
    const room = this.rooms.get(name);
    if (room && room.instance !== instance && this.gate.instanceOf(name) === instance)
      this.evict(room, `room ${room.name} was closed`, 'replaced');
  }

  /** A signed `room.deleted` or `room.expired`: that instance is gone for everyone in it. */
  closeRoom(name: string, instance: string, why: 'deleted' | 'expired'): void {
    this.gate.closed(name, instance);
    const room = this.rooms.get(name);
    if (room && instanceCreatedAt(room.instance) <= instanceCreatedAt(instance)) this.evict(room, `room ${room.name} was ${why}`, why);
  }

  /** A signed `room.kicked`: the user's tickets for that instance issued before `before` stop working, and the user leaves it. */
  kick(roomName: string, instance: string, user: string, before: number): void {
    this.gate.revoke(roomName, instance, user, before);
    const room = this.rooms.get(roomName);
    if (!room || room.instance !== instance) return;
    this.removeUser(room, user, (member) => (member.ticketIssuedAt.get(nameKey(room.name)) ?? 0) < before);
  }

  /**
   * What the room service says is open now: rooms whose instance is no longer open close, and
   * members whose tickets a kick has since revoked leave, as if the events had arrived.
   */
  applySync(snapshot: RoomsSnapshot): void {
    this.gate.sync(snapshot);
    for (const room of this.rooms.all()) {
      if (this.gate.instanceOf(room.name) !== room.instance) {
        this.evict(room, `room ${room.name} was closed`, 'closed');
        continue;
      }
      for (const member of [...room.members]) {
        const issuedAt = member.ticketIssuedAt.get(nameKey(room.name)) ?? 0;
        if (!this.gate.admitsHolder(room.name, member.user, issuedAt)) this.removeUser(room, member.user, (m) => m === member);
      }
    }
    this.logger.info({ rooms: snapshot.rooms.length }, 'synchronised with the room service');
  }

  private evict(room: Room<Connection>, message: string, why: string): void {
    this.rooms.close(room.name);
    this.presence.forget(room);
    for (const member of room.members) {
      member.rooms.delete(nameKey(room.name));
      member.ticketIssuedAt.delete(nameKey(room.name));
      member.error('room_closed', message, room.name);
    }
    this.logger.info({ room: room.name, members: room.members.size, why }, 'room closed');
  }

  private removeUser(room: Room<Connection>, user: string, which: (member: Connection) => boolean): void {
    const kicked = [...room.members].filter((member) => nameKey(member.user) === nameKey(user) && which(member));
    if (kicked.length === 0) return;
    const notice = Buffer.from(encodeFrame({ type: 'presence', room: room.name, user: kicked[0]!.user, event: 'kicked' }));
    this.rooms.broadcast(room, notice);
    for (const member of kicked) {
      member.rooms.delete(nameKey(room.name));
      member.ticketIssuedAt.delete(nameKey(room.name));
      this.rooms.leave(room, member);
    }
    this.presence.invalidate(room);
    this.logger.info({ room: room.name, user, connections: kicked.length }, 'user kicked');
  }

  onFrame(connection: Connection, frame: ClientFrame): void {
    switch (frame.type) {
      case 'ping':
        return connection.send(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id });
      case 'pong':
        return;
      case 'quit':
        return connection.close('quit');
      case 'hello':
        if (connection.isActive) return connection.error('bad_field', 'hello was already accepted; use join for another room');
        return this.hello(connection, frame.ticket);
    }
    if (!connection.isActive) return connection.error('bad_ticket', 'send hello {ticket} first');
    switch (frame.type) {
      case 'join':
        return this.join(connection, frame.ticket);
      case 'say':
        return this.say(connection, frame);
      case 'leave':
        return this.leave(connection, frame.room);
      case 'who': {
        const room = this.memberRoom(connection, frame.room);
        if (room) connection.deliver(this.presence.who(room));
      }
    }
  }

  onClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.quota.close(connection.origin, connection.address);
    if (!connection.user) return;
    this.quota.leaveUser(nameKey(connection.user));
    const rooms = [...connection.rooms.values()];
    for (const name of rooms) {
      const room = this.rooms.get(name);
      if (room) this.depart(room, connection);
    }
    const mine = this.users.get(nameKey(connection.user));
    mine?.delete(connection);
    if (mine?.size === 0) this.users.delete(nameKey(connection.user));
    this.events.publish(
      makeEvent('user.logout', 'hub', {
        user: connection.user,
        rooms,
        duration_ms: Date.now() - connection.openedAt,
        connections: mine?.size ?? 0,
      }),
    );
    this.logger.info(
      { user: connection.user, rooms: rooms.length, duration_ms: Date.now() - connection.openedAt, reason: connection.closeReason },
      'user logged out',
    );
  }

  onRefused(connection: Connection, code: ErrorCode): void {
    // Names and codes only: the refused frame may carry chat text.
    this.logger.debug({ user: connection.user || undefined, code }, 'frame refused');
  }

  private accept(socket: net.Socket, origin: Origin): void {
    const address = origin === 'local' ? 'local' : (socket.remoteAddress ?? '?');
    const admitted = this.quota.open(origin, address);
    if (!admitted.ok) {
      socket.end(
        encodeFrame({ type: 'error', code: 'too_many_connections', message: admitted.message }) +
          encodeFrame({ type: 'bye', reason: 'too_many_connections' }),
      );
      socket.on('error', () => socket.destroy());
      setTimeout(() => socket.destroy(), this.limits.graceMs).unref();
      return;
    }
    this.connections.add(new Connection(socket, this.limits, this, this.slices, origin));
  }

  private hello(connection: Connection, ticket: string): void {
    const decision = this.gate.check(ticket);
    if (!decision.ok) return connection.error(decision.code, decision.message);
    const { user, room } = decision.claims;
    const counted = this.quota.enterUser(nameKey(user));
    if (!counted.ok) {
      connection.error('too_many_connections', counted.message);
      return connection.close('too_many_connections');
    }
    connection.activate(user);
    let mine = this.users.get(nameKey(user));
    if (!mine) this.users.set(nameKey(user), (mine = new Set()));
    mine.add(connection);
    connection.send({ type: 'welcome', user, rooms: [room], server: SERVER_NAME });
    this.enter(connection, decision.claims);
    this.events.publish(makeEvent('user.login', 'hub', { user, rooms: [room], connections: mine.size }));
    this.logger.info({ user, room, connections: mine.size }, 'user logged in');
  }

  private join(connection: Connection, ticket: string): void {
    const decision = this.gate.check(ticket);
    if (!decision.ok) return connection.error(decision.code, decision.message);
    if (nameKey(decision.claims.user) !== nameKey(connection.user)) {
      return connection.error('bad_ticket', `that ticket is for ${decision.claims.user}, but this connection is ${connection.user}`);
    }
    this.enter(connection, decision.claims);
  }

  /** Puts the connection in the room (once) and answers with the room's history; the others see it arrive. */
  private enter(connection: Connection, claims: TicketClaims): void {
    const key = nameKey(claims.room);
    const current = this.rooms.get(claims.room);
    // The gate admitted this instance, so one the hub still relays under that name is older and gone;
    // its members and history go with it.
    if (current && current.instance !== claims.instance) this.evict(current, `room ${current.name} was closed`, 'replaced');
    const already = connection.rooms.has(key);
    const room = this.rooms.join(claims.room, claims.instance, connection);
    connection.rooms.set(key, room.name);
    connection.ticketIssuedAt.set(key, Math.max(claims.iat, connection.ticketIssuedAt.get(key) ?? 0));
    connection.send({ type: 'history', room: room.name, messages: room.history });
    if (!already) this.presence.changed(room, connection.user, 'join', connection);
  }

  private say(connection: Connection, frame: Extract<ClientFrame, { type: 'say' }>): void {
    const room = this.memberRoom(connection, frame.room, frame.id);
    if (!room) return;
    if (frame.text.length > this.limits.maxTextChars) {
      return connection.error('text_too_long', `a message may have at most ${this.limits.maxTextChars} characters`, frame.id);
    }
    if (!this.rates.take(nameKey(connection.user))) {
      return connection.error(
        'rate_limited',
        `slow down: at most ${this.limits.ratePerSecond} messages a second for each user, across all of its connections; this one was not delivered`,
        frame.id,
      );
    }
    const seq = ++room.seq;
    this.relayed++;
    const ts = new Date().toISOString();
    this.rooms.broadcast(
      room,
      Buffer.from(encodeFrame({ type: 'message', room: room.name, from: connection.user, text: frame.text, seq, ts })),
      connection,
    );
    this.rooms.record(room, { from: connection.user, text: frame.text, seq, ts });
    connection.send({ type: 'ack', id: frame.id ?? null, room: room.name, seq, ts });
  }

  private leave(connection: Connection, roomName: string): void {
    const room = this.memberRoom(connection, roomName);
    if (!room) return;
    connection.send({ type: 'presence', room: room.name, user: connection.user, event: 'leave' });
    connection.rooms.delete(nameKey(room.name));
    this.depart(room, connection);
  }

  private depart(room: Room<Connection>, connection: Connection): void {
    this.rooms.leave(room, connection);
    this.presence.changed(room, connection.user, 'leave');
  }

  private memberRoom(connection: Connection, roomName: string, ref?: string | number): Room<Connection> | undefined {
    const room = connection.rooms.has(nameKey(roomName)) ? this.rooms.get(roomName) : undefined;
    if (!room) connection.error('not_in_room', `you are not in room ${roomName.slice(0, 64)}; join it with a ticket first`, ref);
    return room;
  }
}
