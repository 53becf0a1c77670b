import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ifPresent } from './if-present.js';
import { StoreDamagedError } from './store-damaged.js';
import { JOURNAL_FILE, RESTORING_FILE, SNAPSHOT_FILE } from './store-format.js';
import { type StoreFiles, type StoreScan, scanStore } from './store-scan.js';

const readIfPresent = (file: string): Buffer | undefined => ifPresent(() => readFileSync(file));

function identity(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.ino}:${stat.mtimeMs}`;
  } catch {
    return 'none';
  }
}

export function readStoreFiles(dataDir: string): StoreFiles {
  return {
    snapshot: readIfPresent(path.join(dataDir, SNAPSHOT_FILE)),
    journal: readIfPresent(path.join(dataDir, JOURNAL_FILE)),
    restoring: identity(path.join(dataDir, RESTORING_FILE)) !== 'none',
  };
}

/**
 * Reads snapshot and journal as one consistent pair, even while the room service runs: it
 * appends to the journal (a record being written then is an incomplete last record, as after a
 * crash) and, when compacting, renames a new snapshot into place before it cuts the journal. So a
 * pair read while the snapshot stayed the same file belongs together; otherwise read again.
 */
export function readStoreFilesConsistently(dataDir: string, attempts = 10): StoreFiles {
  const snapshotFile = path.join(dataDir, SNAPSHOT_FILE);
  for (let attempt = 1; ; attempt++) {
    const before = identity(snapshotFile);
    const files = readStoreFiles(dataDir);
    if (identity(snapshotFile) === before) return files;
    if (attempt >= attempts) throw new Error(`the room store in ${dataDir} kept changing while it was read; try again`);
  }
}

/** The store as the room service starts on it: whole, or refused with every problem named. */
export function loadStore<S, C>(dataDir: string, files: StoreFiles = readStoreFiles(dataDir)): StoreScan<S, C> {
  const scan = scanStore<S, C>(files);
  if (scan.problems.length > 0) throw new StoreDamagedError(dataDir, scan.problems);
  return scan;
}
