import { Publisher, Pull, Push } from 'zeromq';
import { DropReport } from '../../src/events/drop-report.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/events/envelope.js';
import { systemTopic } from '../../src/events/topics.js';
import { DROP_REASONS, type DropReason, makeEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import { describeListenError } from '../../src/runtime/startup-error.js';
import { type BrokerBudget, type HighWaterMarks, inboundFrameCeiling } from './broker-budget.js';
import { PeerLimit } from './peer-limit.js';

export interface BrokerSettings extends BrokerBudget {
  host: string;
  pullPort: number;
  pubPort: number;
  statsIntervalMs: number;
  /** Derived from the budget (broker-budget.ts). */
  marks: HighWaterMarks;
}

/**
 * Forwards PUSHed envelopes to PUB as `[topic, payload]`. One loop is the only writer to PUB (a
 * ZeroMQ socket allows one send in flight); the broker's own stats enter that loop like any other
 * event, through an in-process PUSH into the same PULL, so they are counted like any other event.
 */
export class Broker {
  private readonly pull: Pull;
  private readonly pub: Publisher;
  private readonly peers: PeerLimit;
  private readonly stats = new Push({ sendHighWaterMark: 10, sendTimeout: 0, linger: 0 });
  private readonly statsEndpoint = `inproc://thiscord-broker-stats-${process.pid}-${Math.random().toString(36).slice(2)}`;
  private readonly drops: DropReport<DropReason>;
  private received = 0;
  private published = 0;
  private loop: Promise<void> = Promise.resolve();
  private statsTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(
    private readonly settings: BrokerSettings,
    private readonly logger: Logger,
  ) {
    this.pull = new Pull({
      receiveHighWaterMark: settings.marks.perPublisher,
      maxMessageSize: inboundFrameCeiling(settings.maxEventBytes),
    });
    this.pub = new Publisher({ sendHighWaterMark: settings.marks.perSubscriber, linger: 200, noDrop: false });
    this.drops = new DropReport(DROP_REASONS, 'malformed event frame(s)', logger);
    this.peers = new PeerLimit(logger);
  }

  get counts(): { received: number; published: number; dropped: number; refused_connections: number } {
    return { received: this.received, published: this.published, dropped: this.drops.dropped, refused_connections: this.peers.refused };
  }

  async start(): Promise<void> {
    const { host, pullPort, pubPort } = this.settings;
    await this.peers.start([
      { what: 'subscribers', socket: this.pub, max: this.settings.maxSubscribers },
      { what: 'publishers', socket: this.pull, max: this.settings.maxPublishers },
    ]);
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
    this.peers.close();
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
      refused_connections: this.peers.refused,
      ...this.peers.connected,
      interval_ms: this.settings.statsIntervalMs,
    });
    // A full in-process queue means the loop is far behind; the next report carries the totals.
    this.stats.send(encodeEnvelope(systemTopic('broker'), event)).catch(() => undefined);
  }
}
