import type { LogChunk } from '../../protocol/control-api.js';

export interface LogRingLimits {
  maxLines: number;
  maxBytes: number;
  /** Most `log_follow` calls waiting at once. */
  maxFollowers: number;
}

export const DEFAULT_LOG_RING: LogRingLimits = { maxLines: 10_000, maxBytes: 4 * 1024 * 1024, maxFollowers: 32 };

interface Entry {
  seq: number;
  service: string;
  line: string;
}

interface Follower {
  service: string | undefined;
  wake: () => void;
}

/** Thrown when more followers wait than the limit allows. */
export class TooManyFollowers extends Error {
  override name = 'TooManyFollowers';
}

/**
 * The aggregated log's most recent lines, in memory only, bounded in lines and bytes. Every line
 * gets a sequence number, so a reader that keeps the `next` of its last answer gets each later
 * line once, and learns how many it missed if it fell behind the ring.
 */
export class LogRing {
  private readonly entries: (Entry | undefined)[];
  private head = 0;
  private size = 0;
  private bytes = 0;
  private nextSeq = 1;
  private readonly followers = new Set<Follower>();

  constructor(private readonly limits: LogRingLimits = DEFAULT_LOG_RING) {
    this.entries = new Array<Entry | undefined>(limits.maxLines);
  }

  push(service: string, line: string): void {
    while (this.size > 0 && (this.size === this.limits.maxLines || this.bytes + line.length > this.limits.maxBytes)) this.dropOldest();
    const entry = { seq: this.nextSeq++, service, line };
    this.entries[(this.head + this.size) % this.limits.maxLines] = entry;
    this.size++;
    this.bytes += line.length;
    for (const follower of this.followers) if (follower.service === undefined || follower.service === service) follower.wake();
  }

  /** The last `count` lines (of one service, or of all). */
  tail(count: number, service?: string): LogChunk {
    const lines: string[] = [];
    for (let i = this.size - 1; i >= 0 && lines.length < count; i--) {
      const entry = this.at(i);
      if (service === undefined || entry.service === service) lines.push(entry.line);
    }
    return { lines: lines.reverse(), next: this.nextSeq, missed: 0 };
  }

  /**
   * The lines after cursor `after` (a `next` from an earlier answer), at most `limit` of them. A
   * cursor from the future (another supervisor's) reads as "from now on".
   */
  since(after: number, limit: number, service?: string): LogChunk {
    const cursor = Math.max(1, Math.min(after, this.nextSeq));
    const oldest = this.size > 0 ? this.at(0).seq : this.nextSeq;
    const lines: string[] = [];
    let next = this.nextSeq;
    for (let i = Math.max(cursor, oldest) - oldest; i < this.size; i++) {
      const entry = this.at(i);
      if (service !== undefined && entry.service !== service) continue;
      if (lines.length === limit) {
        next = entry.seq;
        break;
      }
      lines.push(entry.line);
    }
    return { lines, next, missed: Math.max(0, oldest - cursor) };
  }

  /**
   * Like `since`, but waits (up to `waitMs`, or until `signal` aborts) for a line to arrive when
   * there is none yet: a long poll, which any XML-RPC client can make.
   */
  async follow(after: number, limit: number, waitMs: number, service?: string, signal?: AbortSignal): Promise<LogChunk> {
    const now = this.since(after, limit, service);
    if (now.lines.length > 0 || now.missed > 0 || waitMs <= 0) return now;
    if (this.followers.size >= this.limits.maxFollowers) {
      throw new TooManyFollowers(`${this.limits.maxFollowers} readers already follow the log; try again later`);
    }
    await new Promise<void>((resolve) => {
      const follower: Follower = { service, wake: () => done() };
      const timer = setTimeout(() => done(), waitMs);
      const done = (): void => {
        clearTimeout(timer);
        this.followers.delete(follower);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.followers.add(follower);
      signal?.addEventListener('abort', done);
    });
    return this.since(after, limit, service);
  }

  /** Wakes every waiting follower (at shutdown), so none keeps the process alive. */
  releaseFollowers(): void {
    for (const follower of this.followers) follower.wake();
  }

  private at(index: number): Entry {
    return this.entries[(this.head + index) % this.limits.maxLines]!;
  }

  private dropOldest(): void {
    const entry = this.at(0);
    this.entries[this.head] = undefined;
    this.head = (this.head + 1) % this.limits.maxLines;
    this.size--;
    this.bytes -= entry.line.length;
  }
}
