import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ifPresent } from '../../src/storage/if-present.js';
import { isNoSpace, nodeFs, type StorageFs } from '../../src/storage/storage-fs.js';
import { StorageFullError } from '../../src/storage/storage-full.js';
import { encodeHeader, encodeRecord, encodeSnapshot, JOURNAL_FILE, RESERVE_FILE, SNAPSHOT_FILE } from '../../src/storage/store-format.js';
import { loadStore, readStoreFiles } from '../../src/storage/store-reader.js';
import { writeAll, writtenBefore } from '../../src/storage/write-all.js';
import { fsyncDirectory, writeFileAtomic } from '../../src/storage/write-file-atomic.js';

/**
 * Durable storage for the room service: an append-only journal of changes plus a snapshot
 * (format and start-up checks: src/storage/store-format.ts, store-scan.ts, docs/rooms-rpc.md).
 *
 * A change is acknowledged only once every byte of its record is written and fdatasync'd. When
 * the disk fills, the batch being written is finished in space set aside for it (the reserve
 * file), and later changes are refused with StorageFullError before they touch anything, until
 * the reserve can be set aside again; reads never depend on the disk. A failed fsync, or a write
 * that fails even after the reserve was freed, is fatal (onFailure): the kernel may have dropped
 * what was written, so only a restart from what is on disk can be trusted.
 */
export interface Recovered<S, C> {
  snapshot: S | undefined;
  changes: C[];
  /** Bytes of an incomplete last record that were cut off. */
  discardedBytes: number;
}

export interface JournalOptions {
  /** The journal is never compacted while smaller than this. */
  minCompactBytes?: number;
  /** Space set aside for finishing a write when the disk fills; must exceed the largest batch. */
  reserveBytes?: number;
  /** How often, at most, a full disk is checked for space again. */
  fullRetryMs?: number;
  fs?: StorageFs;
  /** Told once when a write or fsync fails for good; the only safe course is to stop. */
  onFailure?: (error: Error) => void;
  /** Told when changes stop being accepted (disk full) or start again, and when a compaction is put off. */
  onNotice?: (notice: JournalNotice) => void;
}

export type JournalNotice =
  | { kind: 'storage_full'; where: string }
  | { kind: 'storage_available' }
  | { kind: 'compaction_postponed'; reason: string };

interface SyncWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** closed → open ⇄ full; open/full → failed (fatal) or closed. */
type JournalState = 'closed' | 'open' | 'full' | 'failed';

const COMPACTION_RETRY_MS = 5000;

export class Journal<S, C> {
  private state: JournalState = 'closed';
  private fd: number | null = null;
  private readonly fs: StorageFs;
  /** Encoded records (and a pending header) not yet handed to the kernel; written together right before their fsync. */
  private unwritten: string[] = [];
  /** Callers waiting for the next fsync; the one in flight (if any) does not cover them. */
  private syncWaiters: SyncWaiter[] = [];
  /** The callers the fsync in flight covers. */
  private syncing: SyncWaiter[] | null = null;
  private seq = 0;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private failure: Error | null = null;
  private nextSpaceCheck = 0;
  private nextCompaction = 0;

  constructor(
    private readonly dir: string,
    private readonly options: JournalOptions = {},
  ) {
    this.fs = options.fs ?? nodeFs;
  }

  private get reserveBytes(): number {
    return this.options.reserveBytes ?? 1024 * 1024;
  }

  /**
   * True once the journal outgrows both the minimum and the last snapshot, so compaction work
   * stays proportional to the changes it absorbs, however large the state grows.
   */
  get wantsCompaction(): boolean {
    return (
      this.state === 'open' &&
      Date.now() >= this.nextCompaction &&
      this.journalBytes >= Math.max(this.options.minCompactBytes ?? 1024 * 1024, this.snapshotBytes)
    );
  }

  /** True while changes are refused for want of disk space. */
  get full(): boolean {
    return this.state === 'full';
  }

  /**
   * Reads the snapshot and the journal after it, refusing (StoreDamagedError, nothing changed) a
   * store with damage anywhere but an incomplete last record, which it cuts off. Writes nothing
   * else unless the data dir is new.
   */
  open(): Recovered<S, C> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const scan = loadStore<S, C>(this.dir, readStoreFiles(this.dir));
    const snapshotSeq = scan.snapshot.status === 'ok' ? scan.snapshot.seq : 0;
    const journalFile = path.join(this.dir, JOURNAL_FILE);
    this.fd = this.fs.openSync(journalFile, 'a', 0o600);
    if (!scan.journalExists) fsyncDirectory(this.dir, this.fs);
    if (scan.tornTailBytes > 0) {
      this.fs.ftruncateSync(this.fd, scan.verifiedBytes);
      this.fs.fsyncSync(this.fd);
    }
    this.seq = scan.lastSeq;
    this.journalBytes = scan.verifiedBytes;
    // An empty journal (new, or cut by a compaction) gets its header with the first record.
    if (this.journalBytes === 0) this.unwritten.push(encodeHeader(this.seq));
    this.snapshotBytes = scan.snapshot.status === 'ok' ? scan.snapshot.bytes : 0;
    this.state = this.setReserveAside() ? 'open' : 'full';
    if (this.state === 'full') this.options.onNotice?.({ kind: 'storage_full', where: 'start-up' });
    return {
      snapshot: scan.snapshot.status === 'ok' ? scan.snapshot.state : undefined,
      changes: scan.records.filter((record) => record.seq > snapshotSeq).map((record) => record.change),
      discardedBytes: scan.tornTailBytes,
    };
  }

  /**
   * Records one change and resolves once it is durable; nobody is answered before their change is
   * on disk. Throws, before anything is recorded, StorageFullError while the disk is full.
   *
   * Changes share writes and fsyncs (group commit). With no fsync in flight, a change is written
   * at once and its fsync started, so the caller's remaining work (signing its ticket and event)
   * runs while the disk works instead of before it; whatever arrives while an fsync runs goes out
   * together in the next batch as soon as it completes. The fsync runs on libuv's thread pool, so
   * the event loop keeps serving during a flush, and no write touches the journal's last page
   * while the kernel is writing it back (a write to a page under writeback waits for it).
   */
  appendDurably(change: C): Promise<void> {
    if (this.state === 'failed') throw this.failure!;
    if (this.state === 'closed') throw new Error('journal is not open');
    if (this.state === 'full' && !this.spaceAgain()) {
      throw new StorageFullError(
        `the disk holding the room data (${this.dir}) is full, so no change can be recorded; reads still work, and changes work again once space is freed`,
      );
    }
    const line = encodeRecord(++this.seq, change);
    this.unwritten.push(line);
    this.journalBytes += Buffer.byteLength(line);
    const durable = new Promise<void>((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
    this.flush();
    return durable;
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
    this.fs.fdatasync(this.fd, (error) => {
      this.syncing = null;
      if (error) return this.fail(error, batch);
      for (const waiter of batch) waiter.resolve();
      this.flush();
    });
  }

  private fail(error: Error, batch: SyncWaiter[]): void {
    if (this.fd === null) return; // closed meanwhile: close() made everything durable itself
    this.state = 'failed';
    this.failure = error;
    for (const waiter of [...batch, ...this.syncWaiters]) waiter.reject(error);
    this.syncWaiters = [];
    this.options.onFailure?.(error);
  }

  /**
   * Every record already recorded was applied in memory and must reach the disk. If the disk is
   * full, the reserve makes room for them, and no further change is taken until space is back.
   */
  private writeUnwritten(): void {
    if (this.unwritten.length === 0) return;
    const data = Buffer.from(this.unwritten.join(''));
    this.unwritten = [];
    try {
      writeAll(this.fs, this.fd!, data);
    } catch (error) {
      if (!isNoSpace(error)) throw error;
      this.becomeFull('journal write');
      if (!this.releaseReserve()) throw error;
      writeAll(this.fs, this.fd!, data, writtenBefore(error));
    }
  }

  /** Frees the reserve's space for the write that needs it; false if it was already used. */
  private releaseReserve(): boolean {
    return (
      ifPresent(() => {
        this.fs.unlinkSync(path.join(this.dir, RESERVE_FILE));
        return true;
      }) ?? false
    );
  }

  private becomeFull(where: string): void {
    if (this.state !== 'open') return;
    this.state = 'full';
    this.nextSpaceCheck = Date.now() + (this.options.fullRetryMs ?? 1000);
    this.options.onNotice?.({ kind: 'storage_full', where });
  }

  /** While full: at most every fullRetryMs, whether there is room again to set the reserve aside. */
  private spaceAgain(): boolean {
    const now = Date.now();
    if (now < this.nextSpaceCheck) return false;
    this.nextSpaceCheck = now + (this.options.fullRetryMs ?? 1000);
    const stats = this.fs.statfsSync(this.dir);
    if (stats.bavail * stats.bsize < 2 * this.reserveBytes) return false;
    if (!this.setReserveAside()) return false;
    this.state = 'open';
    this.options.onNotice?.({ kind: 'storage_available' });
    return true;
  }

  /** Makes sure the reserve file holds its space; false if the disk has not got it. */
  private setReserveAside(): boolean {
    const file = path.join(this.dir, RESERVE_FILE);
    if (statSync(file, { throwIfNoEntry: false })?.size === this.reserveBytes) return true;
    try {
      // Random bytes, so that a compressing file system really sets the space aside.
      writeFileAtomic(file, randomBytes(this.reserveBytes), 0o600, { fs: this.fs });
      return true;
    } catch (error) {
      if (isNoSpace(error)) return false;
      throw error;
    }
  }

  /**
   * Replaces snapshot + journal by a snapshot of `state`, which must include every recorded change.
   * The new snapshot is written aside, fsync'd and read back whole before it replaces the old one,
   * and the journal is cut only once it is durable; a disk too full for it leaves both as they
   * were (and the compaction is tried again later). Records not yet written are part of the
   * snapshot, so they are dropped; their callers are answered after the next fsync as usual.
   */
  compact(state: S): void {
    if (this.fd === null) throw new Error('journal is not open');
    const text = encodeSnapshot(this.seq, state);
    try {
      writeFileAtomic(path.join(this.dir, SNAPSHOT_FILE), text, 0o600, { verify: true, fs: this.fs });
    } catch (error) {
      if (!isNoSpace(error)) return this.fail(error as Error, []);
      this.nextCompaction = Date.now() + COMPACTION_RETRY_MS;
      this.options.onNotice?.({
        kind: 'compaction_postponed',
        reason: 'the disk is full; the previous snapshot and the journal are unchanged',
      });
      return;
    }
    try {
      this.fs.ftruncateSync(this.fd, 0);
      this.fs.fsyncSync(this.fd);
    } catch (error) {
      return this.fail(error as Error, []);
    }
    this.unwritten = [encodeHeader(this.seq)];
    this.journalBytes = 0;
    this.snapshotBytes = Buffer.byteLength(text);
  }

  /** Makes everything recorded durable, answers every waiter, and closes the journal. */
  close(): void {
    if (this.fd === null) return;
    // The fsync in flight may still be queued on the thread pool: this one covers its callers too.
    const waiters = [...(this.syncing ?? []), ...this.syncWaiters];
    this.syncWaiters = [];
    const failure = this.failure;
    if (!failure) {
      this.writeUnwritten();
      this.fs.fdatasyncSync(this.fd);
    }
    this.fs.closeSync(this.fd);
    this.fd = null;
    this.state = 'closed';
    for (const waiter of waiters) failure ? waiter.reject(failure) : waiter.resolve();
  }
}
