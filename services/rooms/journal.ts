import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../../src/storage/write-file-atomic.js';
import path from 'node:path';

/**
 * Durable storage for the room service: an append-only journal of changes plus a snapshot.
 *
 * Each journal line is `<checksum> <json>\n`, written and fdatasync'd before the change is
 * acknowledged, so a kill -9 at any instant loses nothing acknowledged. A torn last line (the
 * process died mid-write) fails its checksum and is cut off on the next start. Compaction writes
 * the whole state to a snapshot (temp file, fsync, rename, fsync of the directory), then starts an
 * empty journal; records carry sequence numbers so that a crash between the two steps replays
 * nothing twice.
 */
export interface JournalRecord<C> {
  seq: number;
  change: C;
}

interface Snapshot<S> {
  seq: number;
  state: S;
}

export interface Recovered<S, C> {
  snapshot: S | undefined;
  changes: C[];
  /** Bytes of torn or corrupt tail that were cut off. */
  discardedBytes: number;
}

const JOURNAL = 'rooms.journal';
const SNAPSHOT = 'rooms.snapshot';

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export class Journal<S, C> {
  private fd: number | null = null;
  private syncWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private seq = 0;
  private recordsSinceSnapshot = 0;

  constructor(private readonly dir: string) {}

  get size(): number {
    return this.recordsSinceSnapshot;
  }

  /** Reads the snapshot and every intact journal record after it, and opens the journal for appends. */
  open(): Recovered<S, C> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const snapshotFile = path.join(this.dir, SNAPSHOT);
    let snapshot: Snapshot<S> | undefined;
    if (existsSync(snapshotFile)) {
      const text = readFileSync(snapshotFile, 'utf8');
      const space = text.indexOf(' ');
      const body = text.slice(space + 1);
      if (space < 0 || checksum(body) !== text.slice(0, space)) {
        throw new Error(`room snapshot ${snapshotFile} is corrupt; restore it from a backup or move it aside to start empty`);
      }
      snapshot = JSON.parse(body) as Snapshot<S>;
      this.seq = snapshot.seq;
    }
    const journalFile = path.join(this.dir, JOURNAL);
    const changes: C[] = [];
    let goodBytes = 0;
    let totalBytes = 0;
    if (existsSync(journalFile)) {
      const data = readFileSync(journalFile);
      totalBytes = data.length;
      let start = 0;
      for (let end = data.indexOf(0x0a, start); end >= 0; end = data.indexOf(0x0a, start)) {
        const line = data.subarray(start, end).toString('utf8');
        const space = line.indexOf(' ');
        const body = line.slice(space + 1);
        if (space < 0 || checksum(body) !== line.slice(0, space)) break;
        const record = JSON.parse(body) as JournalRecord<C>;
        if (record.seq > this.seq) {
          changes.push(record.change);
          this.seq = record.seq;
          this.recordsSinceSnapshot++;
        }
        start = end + 1;
        goodBytes = start;
      }
    }
    this.fd = openSync(journalFile, 'a', 0o600);
    if (goodBytes < totalBytes) {
      ftruncateSync(this.fd, goodBytes);
      fsyncSync(this.fd);
    }
    return { snapshot: snapshot?.state, changes, discardedBytes: totalBytes - goodBytes };
  }

  /** Appends one change and makes it durable before returning. */
  append(change: C): void {
    this.write(change);
    fdatasyncSync(this.fd!);
  }

  /**
   * Appends one change now and resolves once it is durable. Changes appended in the same turn of
   * the event loop share one fsync (group commit), so concurrent writers do not queue behind one
   * another's disk flushes; nobody is answered before their change is on disk.
   */
  appendDurably(change: C): Promise<void> {
    this.write(change);
    return new Promise<void>((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      if (this.syncWaiters.length === 1) setImmediate(() => this.syncNow());
    });
  }

  private syncNow(): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    try {
      fdatasyncSync(this.fd!);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error as Error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }

  private write(change: C): void {
    if (this.fd === null) throw new Error('journal is not open');
    const body = JSON.stringify({ seq: this.seq + 1, change } satisfies JournalRecord<C>);
    writeSync(this.fd, `${checksum(body)} ${body}\n`);
    this.seq++;
    this.recordsSinceSnapshot++;
  }

  /** Replaces snapshot + journal by a snapshot of `state`, which must include every appended change. */
  compact(state: S): void {
    if (this.fd === null) throw new Error('journal is not open');
    const body = JSON.stringify({ seq: this.seq, state } satisfies Snapshot<S>);
    writeFileAtomic(path.join(this.dir, SNAPSHOT), `${checksum(body)} ${body}`);
    ftruncateSync(this.fd, 0);
    fsyncSync(this.fd);
    this.recordsSinceSnapshot = 0;
  }

  close(): void {
    if (this.syncWaiters.length > 0) this.syncNow();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
