import type { ClientFrame, ErrorCode, HubFrame } from '../../protocol/frames.js';
import { nameKey } from '../../protocol/names.js';
import type { Admission } from '../../protocol/rooms-api.js';
import { checkedTransition, type TransitionTable } from '../../state/transition-table.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { ConnectHub, HubTransport } from './hub-transport.js';

/**
 * The client side of a hub connection, over any transport (TCP or the hub's local socket for the
 * terminal and the gateways, a WebSocket in the browser), as an explicit state machine:
 * `idle → connecting → greeting → ready`, and on any loss `→ waiting` (backoff) `→ connecting`,
 * until `closed`. It reconnects by itself (100 ms doubling to 5 s, each delay jittered), rejoins every room with its
 * tickets (renewing expired ones), and never drops a message silently: what is typed while
 * disconnected, or was sent but not acknowledged when the connection broke, is sent after the
 * reconnect, and what cannot be sent is reported as `unsent`.
 */
export type HubClientState = 'idle' | 'connecting' | 'greeting' | 'ready' | 'waiting' | 'closed';

export const HUB_CLIENT_TRANSITIONS: TransitionTable<HubClientState> = {
  idle: ['connecting', 'closed'],
  connecting: ['greeting', 'waiting', 'closed'],
  greeting: ['ready', 'waiting', 'closed'],
  ready: ['waiting', 'closed'],
  // Back to idle when every room was lost meanwhile: nothing left to greet the hub with.
  waiting: ['connecting', 'idle', 'closed'],
  closed: [],
};

export interface OutgoingMessage {
  id: string;
  room: string;
  text: string;
}

/** What the hub client needs of a room-service admission: who, where, and the ticket that proves it. */
export type HubAdmission = Pick<Admission, 'room' | 'user' | 'ticket'>;

export interface HubClientOptions {
  /** Opens a connection to the hub (socket-transport.ts, or a WebSocket in the browser); called again for every reconnect. */
  connect: ConnectHub;
  /** Gets a fresh ticket for a room whose ticket expired (from the room service). */
  renew?: (room: string) => Promise<HubAdmission>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Most messages kept for sending while disconnected; more are reported unsent. */
  maxQueued?: number;
}

export interface HubClientEvents {
  state: [state: HubClientState, detail: string];
  frame: [frame: HubFrame];
  acked: [message: OutgoingMessage, seq: number];
  unsent: [message: OutgoingMessage, reason: string];
  'room-lost': [room: string, code: ErrorCode, reason: string];
}

/**
 * A reconnect delay between half and all of the backoff: after a hub restart its clients spread
 * their reconnects over that window instead of all arriving in the same millisecond.
 */
export function jittered(backoffMs: number, random: () => number = Math.random): number {
  return Math.round(backoffMs / 2 + (random() * backoffMs) / 2);
}

export class HubClient extends TypedEmitter<HubClientEvents> {
  private stateValue: HubClientState = 'idle';
  private transport: HubTransport | null = null;
  private readonly admissions = new Map<string, HubAdmission>();
  private readonly outbox: OutgoingMessage[] = [];
  private readonly inFlight = new Map<string, OutgoingMessage>();
  private backoffMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  /** nameKey of the room whose ticket went in the hello. */
  private helloRoom: string | undefined;
  /** nameKeys of rooms joined but not yet confirmed (by their history frame), oldest first. */
  private pendingJoins: string[] = [];
  user = '';

  constructor(private readonly options: HubClientOptions) {
    super();
    this.backoffMs = options.initialBackoffMs ?? 100;
  }

  get state(): HubClientState {
    return this.stateValue;
  }

  get rooms(): string[] {
    return [...this.admissions.values()].map((admission) => admission.room);
  }

  hasRoom(room: string): boolean {
    return this.admissions.has(nameKey(room));
  }

  /** Connects with the first admission's ticket; the others are joined once welcomed. */
  start(admissions: HubAdmission[]): void {
    if (this.stateValue !== 'idle') throw new Error(`hub client: start() is for an idle client; this one is ${this.stateValue}`);
    for (const admission of admissions) this.admissions.set(nameKey(admission.room), admission);
    this.user = admissions[0]?.user ?? '';
    this.connect();
  }

  /** Adds a room (a fresh admission from the room service). */
  join(admission: HubAdmission): void {
    this.admissions.set(nameKey(admission.room), admission);
    if (this.stateValue === 'ready') this.sendJoin(admission);
    else if (this.stateValue === 'idle') this.start([admission]);
  }

  leave(room: string): void {
    this.admissions.delete(nameKey(room));
    if (this.stateValue === 'ready') this.write({ type: 'leave', room });
  }

  who(room: string): void {
    if (this.stateValue === 'ready') this.write({ type: 'who', room });
  }

  /** Sends now if connected, or keeps it for the reconnect. Returns the message (with its id). */
  say(room: string, text: string): OutgoingMessage {
    const message = { id: `m${this.nextId++}`, room, text };
    if (this.stateValue === 'ready') this.transmit(message);
    else this.enqueue(message);
    return message;
  }

  close(): void {
    if (this.stateValue === 'closed') return;
    this.setState('closed', 'closed by the user');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const transport = this.transport;
    this.transport = null;
    transport?.end({ type: 'quit' });
    for (const message of [...this.inFlight.values(), ...this.outbox])
      this.emit('unsent', message, 'the client closed before it was acknowledged');
    this.inFlight.clear();
    this.outbox.length = 0;
  }

  private setState(state: HubClientState, detail: string): void {
    this.stateValue = checkedTransition(HUB_CLIENT_TRANSITIONS, this.stateValue, state, 'hub client');
    this.emit('state', state, detail);
  }

  private connect(): void {
    const first = this.admissions.values().next().value as HubAdmission | undefined;
    if (!first) {
      if (this.stateValue !== 'idle') this.setState('idle', 'no room to join');
      return;
    }
    this.setState('connecting', 'opening a connection');
    const transport: HubTransport = this.options.connect({
      onOpen: () => {
        if (transport !== this.transport) return;
        this.setState('greeting', 'connected');
        this.helloRoom = nameKey(first.room);
        this.pendingJoins = [];
        this.write({ type: 'hello', ticket: first.ticket });
      },
      onFrame: (frame) => {
        if (transport === this.transport) this.receive(frame);
      },
      onClose: () => this.lost(transport),
    });
    this.transport = transport;
  }

  private lost(transport: HubTransport): void {
    if (transport !== this.transport) return;
    this.transport = null;
    // Unacknowledged messages go back to the front of the queue, to be sent after the reconnect.
    this.outbox.unshift(...this.inFlight.values());
    this.inFlight.clear();
    const delay = jittered(this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    this.setState('waiting', `connection lost; retrying in ${delay} ms`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private receive(frame: HubFrame): void {
    switch (frame.type) {
      case 'welcome':
        // Only the answer to our hello counts; a second welcome on the same connection means nothing.
        if (this.stateValue !== 'greeting') break;
        this.backoffMs = this.options.initialBackoffMs ?? 100;
        this.user = frame.user;
        this.setState('ready', `welcome as ${frame.user}`);
        for (const admission of this.admissions.values()) {
          if (!frame.rooms.some((room) => nameKey(room) === nameKey(admission.room))) this.sendJoin(admission);
        }
        for (const message of this.outbox.splice(0)) this.transmit(message);
        break;
      case 'ack': {
        const message = typeof frame.id === 'string' ? this.inFlight.get(frame.id) : undefined;
        if (message) {
          this.inFlight.delete(message.id);
          this.emit('acked', message, frame.seq);
        }
        break;
      }
      case 'history':
        this.pendingJoins = this.pendingJoins.filter((room) => room !== nameKey(frame.room));
        break;
      case 'ping':
        this.write({ type: 'pong', id: frame.id });
        break;
      case 'error':
        this.handleError(frame);
        break;
      case 'presence':
        if (frame.event === 'kicked' && nameKey(frame.user) === nameKey(this.user))
          this.dropRoom(frame.room, 'bad_ticket', `you were removed from room ${frame.room}`);
        break;
      default:
        break;
    }
    this.emit('frame', frame);
  }

  private handleError(frame: Extract<HubFrame, { type: 'error' }>): void {
    const message = frame.ref !== undefined ? this.inFlight.get(String(frame.ref)) : undefined;
    if (message) {
      this.inFlight.delete(message.id);
      this.emit('unsent', message, frame.message);
      return;
    }
    if (frame.code === 'room_closed' && typeof frame.ref === 'string') return this.dropRoom(frame.ref, frame.code, frame.message);
    if (frame.code !== 'ticket_expired' && frame.code !== 'bad_ticket' && frame.code !== 'room_closed') return;
    // A refused ticket: the hub answers hello and joins in order, so it is the oldest one waiting.
    const room = this.stateValue === 'greeting' ? this.helloRoom : this.pendingJoins.shift();
    if (room === undefined) return;
    const greeting = this.stateValue === 'greeting';
    void this.recover(room, frame.code, frame.message, greeting);
  }

  /** Renews an expired ticket and tries again; a ticket that is refused for good loses its room. */
  private async recover(room: string, code: ErrorCode, reason: string, greeting: boolean): Promise<void> {
    const admission = this.admissions.get(room);
    if (!admission) return;
    if (code === 'ticket_expired' && this.options.renew) {
      try {
        const fresh = await this.options.renew(admission.room);
        this.admissions.set(room, fresh);
        if (!greeting) this.sendJoin(fresh);
      } catch (error) {
        this.dropRoom(admission.room, code, (error as Error).message);
      }
    } else {
      this.dropRoom(admission.room, code, reason);
    }
    // A refused hello ends nothing by itself: reconnect to greet with a good ticket.
    if (greeting) this.transport?.destroy();
  }

  private dropRoom(room: string, code: ErrorCode, reason: string): void {
    if (!this.admissions.delete(nameKey(room))) return;
    for (const message of [...this.outbox, ...this.inFlight.values()]) {
      if (nameKey(message.room) === nameKey(room)) this.emit('unsent', message, reason);
    }
    this.outbox.splice(0, this.outbox.length, ...this.outbox.filter((m) => nameKey(m.room) !== nameKey(room)));
    this.emit('room-lost', room, code, reason);
  }

  private enqueue(message: OutgoingMessage): void {
    if (this.outbox.length >= (this.options.maxQueued ?? 200)) {
      this.emit('unsent', message, 'too many messages waiting for the hub');
      return;
    }
    this.outbox.push(message);
  }

  private sendJoin(admission: HubAdmission): void {
    this.pendingJoins.push(nameKey(admission.room));
    this.write({ type: 'join', ticket: admission.ticket });
  }

  private transmit(message: OutgoingMessage): void {
    this.inFlight.set(message.id, message);
    this.write({ type: 'say', room: message.room, text: message.text, id: message.id });
  }

  private write(frame: ClientFrame): void {
    this.transport?.send(frame);
  }
}
