import type { LiveFigures } from '../../protocol/control-api.js';
import type { ServiceStats } from '../../runtime/handshake.js';

/** One answer from one process of a service. */
interface Sample {
  pid: number;
  at: number;
  stats: ServiceStats;
}

/** Asks one running service for its figures; undefined when it is not running or did not answer. */
export type AskStats = (service: string) => Promise<{ pid: number; stats: ServiceStats } | undefined>;

/**
 * Samples every service's own figures (over the IPC channel the supervisor has with each) at a
 * steady interval, and turns the last two samples of the same process into rates. A restarted
 * process starts its counts from zero, so its first sample gives no rate yet.
 */
export class FigureSampler {
  private readonly last = new Map<string, Sample>();
  private readonly previous = new Map<string, Sample>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly services: readonly string[],
    private readonly ask: AskStats,
  ) {}

  start(intervalMs: number): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async sample(now = () => performance.now()): Promise<void> {
    await Promise.all(
      this.services.map(async (service) => {
        const answer = await this.ask(service);
        if (!answer) {
          this.last.delete(service);
          this.previous.delete(service);
          return;
        }
        const last = this.last.get(service);
        if (last && last.pid === answer.pid) this.previous.set(service, last);
        else this.previous.delete(service);
        this.last.set(service, { ...answer, at: now() });
      }),
    );
  }

  figures(): LiveFigures {
    const figures: LiveFigures = {};
    const hub = this.last.get('hub')?.stats;
    if (hub) {
      figures.hub = {
        connections: hub.connections ?? 0,
        rooms: hub.rooms ?? 0,
        messages_total: hub.messages_total ?? 0,
        messages_per_s: this.rate('hub', 'messages_total'),
        loop_delay_max_ms: hub.loop_delay_max_ms ?? 0,
      };
    }
    const rooms = this.last.get('rooms')?.stats;
    if (rooms) figures.rooms = { rooms: rooms.rooms ?? 0 };
    const broker = this.last.get('broker')?.stats;
    if (broker) {
      figures.broker = {
        events_total: broker.events_total ?? 0,
        dropped_total: broker.dropped_total ?? 0,
        events_per_s: this.rate('broker', 'events_total'),
        drops_per_s: this.rate('broker', 'dropped_total'),
      };
    }
    return figures;
  }

  private rate(service: string, key: string): number {
    const last = this.last.get(service);
    const previous = this.previous.get(service);
    if (!last || !previous || last.at <= previous.at) return 0;
    const per = ((last.stats[key] ?? 0) - (previous.stats[key] ?? 0)) / ((last.at - previous.at) / 1000);
    return Math.max(0, Math.round(per * 10) / 10);
  }
}
