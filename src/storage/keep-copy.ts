import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { nodeFs } from './storage-fs.js';
import { JOURNAL_FILE, SNAPSHOT_FILE } from './store-format.js';
import { fsyncDirectory } from './write-file-atomic.js';

/**
 * Copies the store's files as they are into `<dataDir>/<label>-<time>/` (made durable) before
 * anything replaces them, and returns that folder: repair and restore never destroy an original.
 */
export function keepCopy(dataDir: string, label: string): string {
  const folder = path.join(dataDir, `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (const name of [SNAPSHOT_FILE, JOURNAL_FILE]) {
    const source = path.join(dataDir, name);
    if (!existsSync(source)) continue;
    const copy = path.join(folder, name);
    copyFileSync(source, copy);
    const fd = nodeFs.openSync(copy, 'r');
    try {
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  }
  fsyncDirectory(folder);
  fsyncDirectory(dataDir);
  return folder;
}
