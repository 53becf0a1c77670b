import { Publisher, Pull } from 'zeromq';
import { decodeEnvelope } from '../../src/events/envelope.js';
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
 * Forwards PUSHed envelopes to PUB as `[topic, payload]`. The receive loop is the only code that
 * writes to PUB (a ZeroMQ socket allows one send in flight); the stats timer hands its message to
 * the loop, or sends it itself when the loop is idle.
 */
export class Broker {
  private readonly pull = new Pull({ receiveHighWaterMark: 10_000 });
  private readonly pub: Publisher;
  private readonly drops: DropReport;
  private received = 0;
  private published = 0;
  private loopSending = false;
  private sideSend: Promise<void> | null = null;
  private pendingSide: [string, string] | null = null;
  private loop: Promise<void> = Promise.resolve();
  private statsTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly settings: BrokerSettings, private readonly logger: Logger) {
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
    this.loop = this.forward();
    if (this.settings.statsIntervalMs > 0) {
      this.statsTimer = setInterval(() => this.publishStats(), this.settings.statsIntervalMs);
    }
  }

  /** Stops taking input, forwards what was already received, then closes both sockets. */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.pull.close();
    await this.loop;
    await this.sideSend;
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
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await this.pull.receive();
      } catch (error) {
        if (this.closing) return;
        this.logger.error({ err: error }, 'receive failed');
        continue;
      }
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
      if (this.sideSend) await this.sideSend;
      this.loopSending = true;
      await this.pub.send([decoded.topicFrame, decoded.payloadFrame]);
      this.published++;
      if (this.pendingSide) {
        const side = this.pendingSide;
        this.pendingSide = null;
        await this.pub.send(side);
        this.published++;
      }
      this.loopSending = false;
    }
  }

  private publishStats(): void {
    const { received, published } = this;
    const event = makeEvent('broker.stats', 'broker', {
      received,
      published,
      dropped: this.drops.dropped,
      dropped_by_reason: { ...this.drops.total },
      interval_ms: this.settings.statsIntervalMs,
    });
    const frames: [string, string] = [systemTopic('broker'), JSON.stringify(event)];
    if (this.loopSending) {
      this.pendingSide = frames;
      return;
    }
    // The previous report is still being written; counts are cumulative, so the next one covers both.
    if (this.sideSend) return;
    this.sideSend = this.pub.send(frames).then(
      () => {
        this.published++;
        this.sideSend = null;
      },
      (error: unknown) => {
        this.sideSend = null;
        if (!this.closing) this.logger.warn({ err: error }, 'could not publish broker stats');
      },
    );
  }
}
