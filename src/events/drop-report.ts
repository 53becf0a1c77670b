import type { Logger } from '../logging/logger.js';

const WARN_INTERVAL_MS = 1000;

type DropCounts<R extends string> = Record<R, number>;

/**
 * Counts what a consumer drops, by reason, and warns about it at most once a second, so a flood of
 * garbage cannot turn into a flood of log lines. The broker counts malformed frames with it, the
 * hub the room events it refuses.
 */
export class DropReport<R extends string> {
  readonly total: DropCounts<R>;
  private sinceWarning: DropCounts<R>;
  private lastWarning = 0;
  private timer: NodeJS.Timeout | null = null;

  /** @param what names what is dropped, for the warning: "malformed event frame(s)". */
  constructor(
    private readonly reasons: readonly R[],
    private readonly what: string,
    private readonly logger: Logger,
  ) {
    this.total = this.empty();
    this.sinceWarning = this.empty();
  }

  record(reason: R): void {
    this.total[reason]++;
    this.sinceWarning[reason]++;
    if (this.timer) return;
    const wait = this.lastWarning + WARN_INTERVAL_MS - Date.now();
    if (wait <= 0) this.warn();
    else this.timer = setTimeout(() => this.warn(), wait);
  }

  get dropped(): number {
    return this.sum(this.total);
  }

  /** Logs anything not yet reported; called at stop so no drop goes unmentioned. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.sum(this.sinceWarning) > 0) this.warn();
  }

  private warn(): void {
    this.timer = null;
    this.lastWarning = Date.now();
    const counts = this.sinceWarning;
    this.sinceWarning = this.empty();
    const dropped = this.sum(counts);
    this.logger.warn({ dropped, by_reason: counts, dropped_total: this.dropped }, `dropped ${dropped} ${this.what}`);
  }

  private empty(): DropCounts<R> {
    return Object.fromEntries(this.reasons.map((reason) => [reason, 0])) as DropCounts<R>;
  }

  private sum(counts: DropCounts<R>): number {
    return this.reasons.reduce((sum, reason) => sum + counts[reason], 0);
  }
}
