import { DROP_REASONS, type DropReason } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';

const WARN_INTERVAL_MS = 1000;

export type DropCounts = Record<DropReason, number>;

export function emptyDropCounts(): DropCounts {
  return Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as DropCounts;
}

/**
 * Counts dropped frames and warns about them at most once a second, so a flood of garbage cannot
 * turn into a flood of log lines.
 */
export class DropReport {
  readonly total: DropCounts = emptyDropCounts();
  private sinceWarning: DropCounts = emptyDropCounts();
  private lastWarning = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly logger: Logger) {}

  record(reason: DropReason): void {
    this.total[reason]++;
    this.sinceWarning[reason]++;
    if (this.timer) return;
    const wait = this.lastWarning + WARN_INTERVAL_MS - Date.now();
    if (wait <= 0) this.warn();
    else this.timer = setTimeout(() => this.warn(), wait);
  }

  get dropped(): number {
    return DROP_REASONS.reduce((sum, reason) => sum + this.total[reason], 0);
  }

  /** Logs anything not yet reported; called at stop so no drop goes unmentioned. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (DROP_REASONS.some((reason) => this.sinceWarning[reason] > 0)) this.warn();
  }

  private warn(): void {
    this.timer = null;
    this.lastWarning = Date.now();
    const counts = this.sinceWarning;
    this.sinceWarning = emptyDropCounts();
    const dropped = DROP_REASONS.reduce((sum, reason) => sum + counts[reason], 0);
    this.logger.warn({ dropped, by_reason: counts, dropped_total: this.dropped }, `dropped ${dropped} malformed event frame(s)`);
  }
}
