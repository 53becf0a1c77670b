import type { StorageFs } from './storage-fs.js';

/** Raised when a write stops part-way; `written` bytes of the data reached the file before it. */
export interface PartialWriteError extends NodeJS.ErrnoException {
  written: number;
}

/**
 * Writes every byte of `data`, from `from` on. A write to a filling disk may take fewer bytes than
 * it was given and report success, so one writeSync proves nothing: loop until all are in, or
 * throw with the count that made it (the caller may free space and go on from there).
 */
export function writeAll(fs: StorageFs, fd: number, data: Buffer, from = 0): void {
  let done = from;
  while (done < data.length) {
    let wrote: number;
    try {
      wrote = fs.writeSync(fd, data, done, data.length - done);
    } catch (error) {
      throw Object.assign(error as NodeJS.ErrnoException, { written: done });
    }
    if (wrote <= 0) {
      const stalled = new Error(`a write made no progress after ${done} of ${data.length} bytes`) as PartialWriteError;
      throw Object.assign(stalled, { code: 'ENOSPC', written: done });
    }
    done += wrote;
  }
}

export function writtenBefore(error: unknown): number {
  return (error as Partial<PartialWriteError>).written ?? 0;
}
