import { readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock.js';
import { ifPresent } from './if-present.js';
import { keepCopy } from './keep-copy.js';
import { JOURNAL_FILE, RESTORING_FILE, SNAPSHOT_FILE, unit, verifiedBody } from './store-format.js';
import { readStoreFilesConsistently } from './store-reader.js';
import { type StoreFiles, type StoreScan, scanStore } from './store-scan.js';
import { fsyncDirectory, writeFileAtomic } from './write-file-atomic.js';

/**
 * A backup is one `<checksum> <json>` unit (the store's own format):
 * `{"backup":"thiscord-rooms","version":1,"created":…,"snapshot":…|null,"journal":…}` holding the
 * snapshot and the journal's complete lines as they were on disk. No ticket secret: a backup holds
 * no key, only what the store holds (names, hashes, expiry).
 */
interface BackupBody {
  backup: 'thiscord-rooms';
  version: 1;
  created: string;
  snapshot: string | null;
  journal: string;
}

export interface BackupSummary<S, C> {
  created: string;
  scan: StoreScan<S, C>;
}

/**
 * Writes a consistent copy of the store to `file`, while the room service runs or not: the pair
 * is read as one (store-reader), checked as at start-up, and refused if damaged (a backup of
 * damage would restore the damage).
 */
export function writeBackup<S, C>(dataDir: string, file: string): BackupSummary<S, C> {
  const files = readStoreFilesConsistently(dataDir);
  if (files.journal === undefined && files.snapshot === undefined) throw new Error(`there is no room store in ${dataDir} to back up`);
  const scan = scanStore<S, C>(files);
  if (scan.problems.length > 0) {
    throw new Error(
      `the room store in ${dataDir} is damaged, so a backup would only copy the damage; \`thiscord rooms fsck --data-dir ${dataDir}\` shows it`,
    );
  }
  const created = new Date().toISOString();
  const body: BackupBody = {
    backup: 'thiscord-rooms',
    version: 1,
    created,
    snapshot: files.snapshot?.toString('utf8') ?? null,
    journal: (files.journal ?? Buffer.alloc(0)).subarray(0, scan.verifiedBytes).toString('utf8'),
  };
  writeFileAtomic(path.resolve(file), unit(JSON.stringify(body)), 0o600);
  return { created, scan };
}

/** Reads and checks a backup file: its checksum, and its store as start-up would. */
export function readBackup<S, C>(file: string): { created: string; files: StoreFiles; scan: StoreScan<S, C> } {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read the backup ${file}: ${(error as Error).message}`);
  }
  const text = verifiedBody(data);
  const body = text === undefined ? undefined : (JSON.parse(text) as Partial<BackupBody>);
  if (body?.backup !== 'thiscord-rooms' || body.version !== 1 || typeof body.journal !== 'string') {
    throw new Error(`${file} is not a ThisCord room backup, or it was damaged (its checksum does not match)`);
  }
  const files: StoreFiles = {
    snapshot: typeof body.snapshot === 'string' ? Buffer.from(body.snapshot) : undefined,
    journal: Buffer.from(body.journal),
    restoring: false,
  };
  const scan = scanStore<S, C>(files);
  if (scan.problems.length > 0)
    throw new Error(`the backup ${file} does not hold a whole store (${scan.problems[0]!.file} ${scan.problems[0]!.what})`);
  return { created: body.created ?? 'unknown', files, scan };
}

/**
 * Puts a backup in place of the data dir's store. The room service must be stopped (the data
 * dir's lock says so). The current files are copied aside first; `rooms.restoring` marks the
 * replacement, so a start after a crash in the middle refuses instead of mixing old and new.
 */
export function restoreBackup<S, C>(dataDir: string, file: string): { created: string; copy: string; scan: StoreScan<S, C> } {
  const backup = readBackup<S, C>(file);
  const lock = lockDataDir(dataDir, '`thiscord rooms restore`');
  try {
    const copy = keepCopy(dataDir, 'before-restore');
    const marker = path.join(dataDir, RESTORING_FILE);
    writeFileAtomic(marker, `${path.resolve(file)}\n`);
    writeFileAtomic(path.join(dataDir, JOURNAL_FILE), backup.files.journal!);
    if (backup.files.snapshot) {
      writeFileAtomic(path.join(dataDir, SNAPSHOT_FILE), backup.files.snapshot);
    } else {
      ifPresent(() => unlinkSync(path.join(dataDir, SNAPSHOT_FILE)));
    }
    unlinkSync(marker);
    fsyncDirectory(dataDir);
    return { created: backup.created, copy, scan: backup.scan };
  } finally {
    lock.release();
  }
}
