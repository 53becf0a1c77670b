import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { ClientDeadline } from '../../src/protocol/client-deadline.js';
import { ClientStream } from '../../src/protocol/client-stream.js';
import { type ClientFrame, type ErrorCode, encodeFrame, type FrameId, type HubFrame, parseClientFrame } from '../../src/protocol/frames.js';
import { LineSplitter } from '../../src/protocol/line-splitter.js';
import { checkedTransition, type TransitionTable } from '../../src/state/transition-table.js';
import type { Origin } from './connection-quota.js';
import type { HubLimits } from './limits.js';
import type { Member } from './room-registry.js';
import type { TurnSlices } from './turn-slices.js';

/**
 * A client connection's lifecycle. Only `awaiting_hello` and `active` read frames; `closing` has
 * said bye and is flushing; `closed` is final.
 */
type ConnectionState = 'awaiting_hello' | 'active' | 'closing' | 'closed';

const TRANSITIONS: TransitionTable<ConnectionState> = {
  awaiting_hello: ['active', 'closing', 'closed'],
  active: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export interface ConnectionHandler {
  onFrame(connection: Connection, frame: ClientFrame): void;
  onClosed(connection: Connection): void;
  /** An error frame was sent: the frame it answers was refused. */
  onRefused(connection: Connection, code: ErrorCode): void;
}

let nextId = 1;

export class Connection implements Member {
  readonly id = nextId++;
  readonly openedAt = Date.now();
  user = '';
  /** nameKey(room) → room name, for the rooms this connection is in. */
  readonly rooms = new Map<string, string>();
  /** nameKey(room) → when the newest ticket this connection entered it with was issued; kicks revoke older ones. */
  readonly ticketIssuedAt = new Map<string, number>();
  readonly address: string;
  private state: ConnectionState = 'awaiting_hello';
  /** Why it ended: the reason its bye gave, or `disconnected` when the peer went first. */
  closeReason = '';
  private readonly splitter: LineSplitter;
  private readonly stream: ClientStream;
  /** Hello, then idle, then the answer to our ping; see `checkDeadline`. */
  private readonly deadline: ClientDeadline;
  /** TCP input held (its socket paused) until its turn comes: the first, or any while the hub is behind (see turn-slices.ts). */
  private held: Buffer | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly limits: HubLimits,
    private readonly handler: ConnectionHandler,
    private readonly slices: TurnSlices,
    /** Where it came in: TCP from anywhere, or the local socket in the data dir. */
    readonly origin: Origin = 'tcp',
  ) {
    this.splitter = new LineSplitter(limits.maxFrameBytes);
    // Read once: Node forgets the peer's address once the socket is destroyed, and quotas need it then.
    this.address = origin === 'local' ? 'local' : (socket.remoteAddress ?? '?');
    this.stream = new ClientStream(socket, limits.maxOutputBytes, this.receive.bind(this), this.destroy.bind(this));
    this.deadline = new ClientDeadline(limits, limits.helloTimeoutMs);
  }

  get current(): ConnectionState {
    return this.state;
  }

  get isActive(): boolean {
    return this.state === 'active';
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Admitted by a ticket: from here on the idle deadline replaces the hello deadline. */
  activate(user: string): void {
    this.user = user;
    this.transition('active');
    this.deadline.admit();
  }

  send(frame: HubFrame): void {
    this.deliver(Buffer.from(encodeFrame(frame)));
  }

  error(code: ErrorCode, message: string, ref?: FrameId): void {
    this.handler.onRefused(this, code);
    this.send(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref });
  }

  /** Queues an encoded frame, shared by every member a room sends it to; a client too slow to read it is dropped. */
  deliver(frame: Buffer): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (!this.stream.queue(frame)) this.close('slow_consumer');
  }

  /**
   * Says bye with a reason and ends the stream. A peer that does not read is cut off after the
   * grace period, so a closing connection holds its buffer only that long.
   */
  close(reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.closeReason = reason;
    this.transition('closing');
    this.stream.end(encodeFrame({ type: 'bye', reason }), reason === 'slow_consumer');
    setTimeout(() => this.destroy(), this.limits.graceMs).unref();
  }

  destroy(): void {
    if (this.state === 'closed') return;
    this.closeReason ||= 'disconnected';
    this.transition('closed');
    this.held = undefined;
    this.stream.destroy();
    this.handler.onClosed(this);
  }

  private transition(next: ConnectionState): void {
    this.state = checkedTransition(TRANSITIONS, this.state, next, `connection ${this.id}`);
  }

  /**
   * Called by the hub's sweep (one timer for all connections, so an idle connection costs no timer
   * of its own): acts once the hello, idle or ping deadline has passed.
   */
  checkDeadline(now: number): void {
    // Input sent in time but not yet read is judged once it is read.
    if (this.held || (this.state !== 'awaiting_hello' && this.state !== 'active')) return;
    const due = this.deadline.due(now);
    if (due === 'introduction') {
      this.error('bad_ticket', `no hello within ${this.limits.helloTimeoutMs} ms; send hello {ticket} first`);
      this.close('hello_timeout');
    } else if (due === 'ping') {
      this.send({ type: 'ping', id: 'idle' });
    } else if (due === 'silence') {
      this.close('idle_timeout');
    }
  }

  /**
   * A new TCP connection's first input waits its turn, and so does any TCP input while the hub is
   * behind (probes and gateways on the local socket never wait), its socket paused meanwhile so
   * that the kernel, not the hub, holds whatever else it sends.
   */
  private receive(chunk: Buffer): void {
    // A paused socket may still hand over what it had already read: it keeps its place in line.
    if (this.held) {
      this.held = Buffer.concat([this.held, chunk]);
      return;
    }
    if (this.origin === 'tcp' && (this.state === 'awaiting_hello' || this.slices.crowded())) {
      this.held = chunk;
      this.socket.pause();
      this.slices.add(() => this.admit());
      return;
    }
    this.read(chunk);
  }

  private admit(): void {
    const chunk = this.held;
    this.held = undefined;
    if (!chunk) return;
    this.read(chunk);
    if (this.state === 'awaiting_hello' || this.state === 'active') this.socket.resume();
  }

  private read(chunk: Buffer): void {
    if (this.state !== 'awaiting_hello' && this.state !== 'active') return;
    this.deadline.heard();
    const fits = this.splitter.push(chunk, (line) => this.line(line));
    // A frame handled above may have closed the connection.
    const now = this.state as ConnectionState;
    if (!fits && (now === 'awaiting_hello' || now === 'active')) {
      this.error('frame_too_large', `a frame must be at most ${this.limits.maxFrameBytes} bytes including its newline`);
      this.close('frame_too_large');
    }
  }

  private line(bytes: Buffer): void {
    if (this.state !== 'awaiting_hello' && this.state !== 'active') return;
    if (bytes.length === 0) return;
    if (!isUtf8(bytes)) return this.error('bad_json', 'a frame must be valid UTF-8');
    const parsed = parseClientFrame(bytes.toString('utf8'));
    if (!parsed.ok) return this.error(parsed.code, parsed.message, parsed.ref);
    this.handler.onFrame(this, parsed.frame);
  }
}
