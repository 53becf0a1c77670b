import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to `file` so that a reader (or a restart after a crash) sees either the old
 * content or all of the new: temp file, fsync, rename, fsync of the directory.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  const draft = `${file}.${process.pid}.tmp`;
  const fd = openSync(draft, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(draft, file);
  fsyncDirectory(path.dirname(file));
}
