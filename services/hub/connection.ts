import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
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
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  /** When the current deadline (hello, idle, or the answer to our ping) runs out; see `checkDeadline`. */
  private deadline: number;
  private awaitingPong = false;
  /** First input of a TCP connection, held (its socket paused) until its turn comes (see turn-slices.ts). */
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
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    this.deadline = Date.now() + limits.helloTimeoutMs;
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
    this.deadline = Date.now() + this.limits.idleTimeoutMs;
  }

  send(frame: HubFrame): void {
    this.deliver(Buffer.from(encodeFrame(frame)));
  }

  error(code: ErrorCode, message: string, ref?: FrameId): void {
    this.handler.onRefused(this, code);
    this.send(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref });
  }

  /**
   * Queues an encoded frame. Frames queued in one event-loop turn leave in one write on the next
   * tick (one copy, one syscall, instead of one stream write per frame), and a client whose unsent
   * output passes the limit is too slow to keep: dropping it keeps memory bounded and the rest of
   * its rooms on time.
   */
  deliver(frame: Buffer): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    this.outbox.push(frame);
    this.outboxBytes += frame.length;
    if (this.outbox.length === 1) process.nextTick(() => this.flush());
    if (this.socket.writableLength + this.outboxBytes > this.limits.maxOutputBytes) this.close('slow_consumer');
  }

  private flush(): void {
    const frames = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    if (this.state === 'closed' || this.state === 'closing' || frames.length === 0) return;
    this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  /**
   * Says bye with a reason and ends the stream. A peer that does not read is cut off after the
   * grace period, so a closing connection holds its buffer only that long.
   */
  close(reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.closeReason = reason;
    const pending = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    this.transition('closing');
    // What was queued goes out first (an error frame explaining the close, say) — except to a slow
    // consumer, whose backlog is exactly what is not kept.
    if (reason !== 'slow_consumer' && pending.length > 0) this.socket.write(Buffer.concat(pending));
    this.socket.end(encodeFrame({ type: 'bye', reason }));
    setTimeout(() => this.destroy(), this.limits.graceMs).unref();
  }

  destroy(): void {
    if (this.state === 'closed') return;
    this.closeReason ||= 'disconnected';
    this.transition('closed');
    this.held = undefined;
    this.socket.destroy();
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
    if (now < this.deadline || this.held) return;
    if (this.state === 'awaiting_hello') {
      this.error('bad_ticket', `no hello within ${this.limits.helloTimeoutMs} ms; send hello {ticket} first`);
      this.close('hello_timeout');
    } else if (this.state === 'active' && !this.awaitingPong) {
      this.awaitingPong = true;
      this.send({ type: 'ping', id: 'idle' });
      this.deadline = now + this.limits.pingTimeoutMs;
    } else if (this.state === 'active') {
      this.close('idle_timeout');
    }
  }

  /**
   * A new TCP connection's first input waits its turn (probes and gateways
   * on the local socket do not), its socket paused meanwhile so that the kernel, not the hub,
   * holds whatever else it sends.
   */
  private receive(chunk: Buffer): void {
    // A paused socket may still hand over what it had already read: it keeps its place in line.
    if (this.held) {
      this.held = Buffer.concat([this.held, chunk]);
      return;
    }
    if (this.state === 'awaiting_hello' && this.origin === 'tcp') {
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
    if (this.state === 'active') {
      this.awaitingPong = false;
      this.deadline = Date.now() + this.limits.idleTimeoutMs;
    }
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
