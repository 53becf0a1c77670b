import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../src/storage/write-file-atomic.js';

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

interface SyncWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

const JOURNAL = 'rooms.journal';
const SNAPSHOT = 'rooms.snapshot';

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export class Journal<S, C> {
  private fd: number | null = null;
  /** Encoded records not yet handed to the kernel; written together right before their fsync. */
  private unwritten: string[] = [];
  /** Callers waiting for the next fsync; the one in flight (if any) does not cover them. */
  private syncWaiters: SyncWaiter[] = [];
  /** The callers the fsync in flight covers. */
  private syncing: SyncWaiter[] | null = null;
  private seq = 0;
  private journalBytes = 0;
  private snapshotBytes = 0;

  /** Set once a write or fsync failed: nothing appended after it could be trusted to be on disk. */
  private failure: Error | null = null;

  /**
   * @param minCompactBytes the journal is never compacted while smaller than this
   * @param onFailure told once when a write or fsync fails. After a failed fsync the kernel may
   *   have dropped the dirty pages, so the only safe course is to stop and recover from disk.
   */
  constructor(
    private readonly dir: string,
    private readonly options: { minCompactBytes?: number; onFailure?: (error: Error) => void } = {},
  ) {}

  /**
   * True once the journal outgrows both the minimum and the last snapshot, so compaction work
   * stays proportional to the changes it absorbs, however large the state grows.
   */
  get wantsCompaction(): boolean {
    return this.journalBytes >= Math.max(this.options.minCompactBytes ?? 1024 * 1024, this.snapshotBytes);
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
      this.snapshotBytes = Buffer.byteLength(text);
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
    this.journalBytes = goodBytes;
    return { snapshot: snapshot?.state, changes, discardedBytes: totalBytes - goodBytes };
  }

  /**
   * Records one change and resolves once it is durable; nobody is answered before their change is
   * on disk. Changes share writes and fsyncs (group commit): those of one event-loop turn go out
   * together, the fsync runs on libuv's thread pool, and whatever arrives meanwhile goes out in
   * the next batch as soon as it completes. The event loop keeps serving during a flush, and no
   * write touches the journal's last page while the kernel is writing it back (a write to a page
   * under writeback waits for it).
   */
  appendDurably(change: C): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.fd === null) throw new Error('journal is not open');
    const body = JSON.stringify({ seq: ++this.seq, change } satisfies JournalRecord<C>);
    const line = `${checksum(body)} ${body}\n`;
    this.unwritten.push(line);
    this.journalBytes += Buffer.byteLength(line);
    return new Promise<void>((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      if (this.syncWaiters.length === 1 && !this.syncing) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.syncing || this.fd === null || this.syncWaiters.length === 0) return;
    const batch = this.syncWaiters;
    this.syncWaiters = [];
    try {
      this.writeUnwritten();
    } catch (error) {
      this.fail(error as Error, batch);
      return;
    }
    this.syncing = batch;
    fdatasync(this.fd, (error) => {
      this.syncing = null;
      if (error) return this.fail(error, batch);
      for (const waiter of batch) waiter.resolve();
      this.flush();
    });
  }

  private fail(error: Error, batch: SyncWaiter[]): void {
    if (this.fd === null) return; // closed meanwhile: close() made everything durable itself
    this.failure = error;
    for (const waiter of [...batch, ...this.syncWaiters]) waiter.reject(error);
    this.syncWaiters = [];
    this.options.onFailure?.(error);
  }

  private writeUnwritten(): void {
    if (this.unwritten.length === 0) return;
    const text = this.unwritten.join('');
    this.unwritten = [];
    writeSync(this.fd!, text);
  }

  /**
   * Replaces snapshot + journal by a snapshot of `state`, which must include every appended change.
   * Records not yet written are part of the snapshot, so they are dropped; their callers are
   * answered after the next fsync as usual.
   */
  compact(state: S): void {
    if (this.fd === null) throw new Error('journal is not open');
    const body = JSON.stringify({ seq: this.seq, state } satisfies Snapshot<S>);
    const text = `${checksum(body)} ${body}`;
    writeFileAtomic(path.join(this.dir, SNAPSHOT), text);
    this.unwritten = [];
    ftruncateSync(this.fd, 0);
    fsyncSync(this.fd);
    this.journalBytes = 0;
    this.snapshotBytes = Buffer.byteLength(text);
  }

  /** Makes everything appended durable, answers every waiter, and closes the journal. */
  close(): void {
    if (this.fd === null) return;
    // The fsync in flight may still be queued on the thread pool: this one covers its callers too.
    const waiters = [...(this.syncing ?? []), ...this.syncWaiters];
    this.syncWaiters = [];
    this.writeUnwritten();
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    for (const waiter of waiters) waiter.resolve();
  }
}
