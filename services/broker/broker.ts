import { Publisher, Pull, Push } from 'zeromq';
import { decodeEnvelope, encodeEnvelope } from '../../src/events/envelope.js';
import { systemTopic } from '../../src/events/topics.js';
import { makeEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import { describeListenError } from '../../src/service/startup-error.js';
import { DropReport } from './drop-report.js';

export interface BrokerSettings {
  host: string;
  pullPort: number;
  pubPort: number;
  maxEventBytes: number;
  statsIntervalMs: number;
  /** Messages queued per subscriber before ZeroMQ drops for that (slow) subscriber. */
  subscriberHighWaterMark: number;
}

/**
 * Forwards PUSHed envelopes to PUB as `[topic, payload]`. One loop is the only writer to PUB (a
 * ZeroMQ socket allows one send in flight); the broker's own stats enter that loop like any other
 * event, through an in-process PUSH into the same PULL, so they are counted like any other event.
 */
export class Broker {
  private readonly pull = new Pull({ receiveHighWaterMark: 10_000 });
  private readonly pub: Publisher;
  private readonly stats = new Push({ sendHighWaterMark: 10, sendTimeout: 0, linger: 0 });
  private readonly statsEndpoint = `inproc://thiscord-broker-stats-${process.pid}-${Math.random().toString(36).slice(2)}`;
  private readonly drops: DropReport;
  private received = 0;
  private published = 0;
  private loop: Promise<void> = Promise.resolve();
  private statsTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly settings: BrokerSettings,
    private readonly logger: Logger,
  ) {
    this.pub = new Publisher({ sendHighWaterMark: settings.subscriberHighWaterMark, linger: 200, noDrop: false });
    this.drops = new DropReport(logger);
  }

  get counts(): { received: number; published: number; dropped: number } {
    return { received: this.received, published: this.published, dropped: this.drops.dropped };
  }

  async start(): Promise<void> {
    const { host, pullPort, pubPort } = this.settings;
    // PUB first: once PULL accepts, everything received has somewhere to go.
    await this.bind(this.pub, `tcp://${host}:${pubPort}`, { what: 'PUB', port: pubPort, flag: 'broker-pub-port' });
    await this.bind(this.pull, `tcp://${host}:${pullPort}`, { what: 'PULL', port: pullPort, flag: 'broker-pull-port' });
    await this.pull.bind(this.statsEndpoint);
    this.stats.connect(this.statsEndpoint);
    this.loop = this.forward();
    if (this.settings.statsIntervalMs > 0) {
      this.statsTimer = setInterval(() => this.publishStats(), this.settings.statsIntervalMs);
    }
  }

  /** Stops taking input, forwards what was already received, then closes every socket. */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.stats.close();
    this.pull.close();
    await this.loop;
    this.drops.flush();
    this.pub.close();
  }

  private async bind(socket: Pull | Publisher, endpoint: string, where: { what: string; port: number; flag: string }): Promise<void> {
    try {
      await socket.bind(endpoint);
    } catch (error) {
      throw describeListenError(error, { service: 'broker', host: this.settings.host, ...where });
    }
  }

  private async forward(): Promise<void> {
    const max = this.settings.maxEventBytes;
    try {
      for await (const frames of this.pull) {
        this.received++;
        if (frames.length !== 1) {
          this.drops.record('bad_frames');
          continue;
        }
        const decoded = decodeEnvelope(frames[0]!, max);
        if (!decoded.ok) {
          this.drops.record(decoded.reason);
          continue;
        }
        await this.pub.send([decoded.topicFrame, decoded.payloadFrame]);
        this.published++;
      }
    } catch (error) {
      if (!this.closing) this.logger.error({ err: error }, 'the forwarding loop stopped');
    }
  }

  private publishStats(): void {
    const event = makeEvent('broker.stats', 'broker', {
      received: this.received,
      published: this.published,
      dropped: this.drops.dropped,
      dropped_by_reason: { ...this.drops.total },
      interval_ms: this.settings.statsIntervalMs,
    });
    // A full in-process queue means the loop is far behind; the next report carries the totals.
    this.stats.send(encodeEnvelope(systemTopic('broker'), event)).catch(() => undefined);
  }
}
