import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { encodeFrame, parseClientFrame, type ClientFrame, type ErrorCode, type FrameId, type HubFrame } from '../../src/protocol/frames.js';
import { LineSplitter } from '../../src/protocol/line-splitter.js';
import type { HubLimits } from './limits.js';
import type { Member } from './room-registry.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A client connection's lifecycle. Only `awaiting_hello` and `active` read frames; `closing` has
 * said bye and is flushing; `closed` is final.
 */
export type ConnectionState = 'awaiting_hello' | 'active' | 'closing' | 'closed';

const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  awaiting_hello: ['active', 'closing', 'closed'],
  active: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export interface ConnectionHandler {
  onFrame(connection: Connection, frame: ClientFrame): void;
  onClosed(connection: Connection): void;
}

let nextId = 1;

export class Connection implements Member {
  readonly id = nextId++;
  readonly openedAt = Date.now();
  user = '';
  /** nameKey(room) → room name, for the rooms this connection is in. */
  readonly rooms = new Map<string, string>();
  private state: ConnectionState = 'awaiting_hello';
  private readonly splitter: LineSplitter;
  private readonly bucket: TokenBucket;
  private corked = false;
  private timer: NodeJS.Timeout | null = null;
  private awaitingPong = false;

  constructor(private readonly socket: Socket, private readonly limits: HubLimits, private readonly handler: ConnectionHandler) {
    this.splitter = new LineSplitter(limits.maxFrameBytes);
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    this.arm(limits.helloTimeoutMs);
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

  /** Admitted by a ticket: from here on the idle timer replaces the hello deadline. */
  activate(user: string): void {
    this.user = user;
    this.transition('active');
    this.arm(this.limits.idleTimeoutMs);
  }

  takeToken(): boolean {
    return this.bucket.take();
  }

  send(frame: HubFrame): void {
    this.deliver(Buffer.from(encodeFrame(frame)));
  }

  error(code: ErrorCode, message: string, ref?: FrameId): void {
    this.send(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref });
  }

  /**
   * Queues an encoded frame. Writes made in one event-loop turn go out together (cork, then uncork
   * on the next tick), and a client whose unsent output passes the limit is too slow to keep:
   * dropping it keeps memory bounded and the rest of its rooms on time.
   */
  deliver(frame: Buffer): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    if (this.socket.writableLength > this.limits.maxOutputBytes) this.close('slow_consumer');
  }

  /**
   * Says bye with a reason and ends the stream. A peer that does not read is cut off after the
   * grace period, so a closing connection holds its buffer only that long.
   */
  close(reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.transition('closing');
    this.socket.end(encodeFrame({ type: 'bye', reason }));
    setTimeout(() => this.destroy(), this.limits.graceMs).unref();
  }

  destroy(): void {
    if (this.state === 'closed') return;
    this.transition('closed');
    if (this.timer) clearTimeout(this.timer);
    this.socket.destroy();
    this.handler.onClosed(this);
  }

  private transition(next: ConnectionState): void {
    if (!TRANSITIONS[this.state].includes(next)) throw new Error(`connection ${this.id}: ${this.state} → ${next} is not a transition`);
    this.state = next;
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimer(), ms);
    this.timer.unref();
  }

  private onTimer(): void {
    if (this.state === 'awaiting_hello') {
      this.error('bad_ticket', `no hello within ${this.limits.helloTimeoutMs} ms; send hello {ticket} first`);
      this.close('hello_timeout');
    } else if (this.state === 'active' && !this.awaitingPong) {
      this.awaitingPong = true;
      this.send({ type: 'ping', id: 'idle' });
      this.arm(this.limits.pingTimeoutMs);
    } else if (this.state === 'active') {
      this.close('idle_timeout');
    }
  }

  private receive(chunk: Buffer): void {
    if (this.state !== 'awaiting_hello' && this.state !== 'active') return;
    if (this.state === 'active') {
      this.awaitingPong = false;
      this.arm(this.limits.idleTimeoutMs);
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
