import { Push } from 'zeromq';
import { encodeEnvelope } from './envelope.js';
import { type RoutableType, topicOf } from './topics.js';
import type { EventOf } from './types.js';

const REFUSED_RETRY_MS = 1000;

interface PublisherOptions {
  /** Messages ZeroMQ holds for an absent or slow broker before we start dropping. */
  highWaterMark?: number;
  /**
   * How long queued messages may still drain to the broker after `close`. The process cannot exit
   * before this passes (ZeroMQ holds it while a socket lingers, even with nothing queued but a
   * pending connection), so services keep it short: they must be gone within 2 s of their
   * supervisor.
   */
  lingerMs?: number;
}

interface PublisherCounts {
  sent: number;
  dropped: number;
}

/**
 * Pushes events to the broker without ever blocking or failing its caller. While the broker is
 * down ZeroMQ queues up to the high-water mark; past it `publish` drops and counts, so a dead
 * broker costs memory bounded by the mark, never a stalled service.
 */
export class EventPublisher {
  private readonly socket: Push;
  private readonly pending: string[] = [];
  private readonly maxPending: number;
  private pumping: Promise<void> | null = null;
  private closed = false;
  private connectedOnce = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly connectWaiters = new Set<() => void>();
  readonly counts: PublisherCounts = { sent: 0, dropped: 0 };

  constructor(
    readonly endpoint: string,
    options: PublisherOptions = {},
  ) {
    const highWaterMark = options.highWaterMark ?? 1000;
    this.maxPending = highWaterMark;
    // sendTimeout 0: a full queue answers EAGAIN at once instead of parking the send.
    this.socket = new Push({ sendHighWaterMark: highWaterMark, sendTimeout: 0, linger: options.lingerMs ?? 200 });
    this.socket.events.on('connect', () => {
      this.connectedOnce = true;
      for (const wake of this.connectWaiters) wake();
      this.connectWaiters.clear();
    });
    // A broker that holds its most publishers refuses the handshake, and ZeroMQ never retries a
    // refused handshake by itself; asking again later gets us in once someone has left.
    this.socket.events.on('handshake:error:auth', () => {
      if (this.closed || this.retryTimer) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.closed) return;
        this.socket.disconnect(endpoint);
        this.socket.connect(endpoint);
      }, REFUSED_RETRY_MS);
      this.retryTimer.unref();
    });
    this.socket.connect(endpoint);
  }

  /** Publishes an event on the topic its fields determine. Returns false when it was dropped. */
  publish<T extends RoutableType>(event: EventOf<T>): boolean {
    return this.publishTo(topicOf(event), event);
  }

  publishTo(topic: string, payload: unknown): boolean {
    return this.enqueue(encodeEnvelope(topic, payload));
  }

  /** Sends an already encoded frame (used by benchmarks and the raw CLI). */
  enqueue(frame: string): boolean {
    if (this.closed || this.pending.length >= this.maxPending) {
      this.counts.dropped++;
      return false;
    }
    this.pending.push(frame);
    this.pumping ??= this.pump();
    return true;
  }

  /** Resolves true once a TCP connection to the broker exists, false after `timeoutMs`. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.connectedOnce) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.connectWaiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.connectWaiters.add(wake);
    });
  }

  /** Hands what is queued to ZeroMQ, then closes; ZeroMQ flushes within the linger period. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.pumping;
    this.socket.close();
  }

  private async pump(): Promise<void> {
    try {
      for (let frame = this.pending.shift(); frame !== undefined; frame = this.pending.shift()) {
        try {
          await this.socket.send(frame);
          this.counts.sent++;
        } catch {
          // EAGAIN (high-water mark reached) or a closing socket: the event is dropped and counted.
          this.counts.dropped++;
        }
      }
    } finally {
      this.pumping = null;
    }
  }
}
