import path from 'node:path';
import { nodeFs, type StorageFs } from './storage-fs.js';
import { writeAll } from './write-all.js';

/** Makes a rename (or a new file) in `dir` durable: the rename lives in the directory, not the file. */
export function fsyncDirectory(dir: string, fs: StorageFs = nodeFs): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /** Read the draft back and compare it, length and bytes, with what was meant before it replaces the file. */
  verify?: boolean;
  /**
   * False for a file that means nothing after the machine restarts (a record of running processes):
   * still whole or absent after a crash of the process, but not synced to the disk. Default true.
   */
  durable?: boolean;
  fs?: StorageFs;
}

/**
 * Writes `content` to `file` so that a reader (or a restart after a crash) sees either the old
 * content or all of the new: draft file, every byte written, fsync, (verify), rename, fsync of the
 * directory (the two fsyncs left out for a file that need not survive the machine). On any failure before the rename the draft is removed and the old file is untouched.
 */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o600, options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? nodeFs;
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  const draft = `${file}.${process.pid}.tmp`;
  const durable = options.durable ?? true;
  try {
    const fd = fs.openSync(draft, 'w', mode);
    try {
      writeAll(fs, fd, data);
      if (durable) fs.fsyncSync(fd);
      if (options.verify) verifyDraft(fs, fd, draft, data);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(draft, file);
  } catch (error) {
    try {
      fs.unlinkSync(draft);
    } catch {
      // already gone (or never made): nothing to clean
    }
    throw error;
  }
  if (durable) fsyncDirectory(path.dirname(file), fs);
}

function verifyDraft(fs: StorageFs, fd: number, draft: string, expected: Buffer): void {
  const size = fs.fstatSync(fd).size;
  const actual = size === expected.length ? fs.readFileSync(draft) : undefined;
  if (!actual?.equals(expected)) {
    throw new Error(
      `${draft} does not read back as written (${size} of ${expected.length} bytes${actual ? ', content differs' : ''}); it was not put in place`,
    );
  }
}
