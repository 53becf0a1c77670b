import { statSync } from 'node:fs';
import path from 'node:path';
import { nodeFs, type StorageFs } from '../../src/storage/storage-fs.js';

/**
 * A file-system layer for storage tests that really writes to disk, and on the way records every
 * write, sync, rename and truncation in order (with the file's name), can cut writes short, and
 * can play a disk with only `free` bytes left (ENOSPC beyond, space back on unlink and truncate).
 */
export class TestDisk {
  readonly log: string[] = [];
  /** Bytes left on the pretend disk; writes past it are cut short, then fail with ENOSPC. */
  free = Number.POSITIVE_INFINITY;
  /** Largest number of bytes one write takes, to exercise short writes. */
  maxWriteBytes = Number.POSITIVE_INFINITY;
  private readonly names = new Map<number, string>();

  note(entry: string): void {
    this.log.push(entry);
  }

  private name(fd: number): string {
    return this.names.get(fd) ?? `fd${fd}`;
  }

  readonly fs: StorageFs = {
    ...nodeFs,
    openSync: ((file: string, flags: string, mode?: number) => {
      const fd = nodeFs.openSync(file, flags, mode);
      this.names.set(fd, path.basename(file));
      this.note(`open ${path.basename(file)} ${flags}`);
      return fd;
    }) as StorageFs['openSync'],
    closeSync: (fd) => {
      this.names.delete(fd);
      nodeFs.closeSync(fd);
    },
    writeSync: ((fd: number, buffer: Buffer, from?: number | null, count?: number | null) => {
      const offset = from ?? 0;
      const length = count ?? buffer.length - offset;
      const room = Math.min(length, this.maxWriteBytes, this.free);
      if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const wrote = nodeFs.writeSync(fd, buffer, offset, room);
      this.free -= wrote;
      this.note(`write ${this.name(fd)} ${buffer.subarray(offset, offset + wrote).toString('utf8')}`);
      return wrote;
    }) as StorageFs['writeSync'],
    fdatasync: ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      nodeFs.fdatasync(fd, (error) => {
        this.note(`sync ${this.name(fd)}`);
        callback(error);
      });
    }) as StorageFs['fdatasync'],
    fdatasyncSync: (fd) => {
      nodeFs.fdatasyncSync(fd);
      this.note(`sync ${this.name(fd)}`);
    },
    fsyncSync: (fd) => {
      nodeFs.fsyncSync(fd);
      this.note(`sync ${this.name(fd)}`);
    },
    renameSync: (from, to) => {
      nodeFs.renameSync(from, to);
      this.note(`rename ${path.basename(String(from))} ${path.basename(String(to))}`);
    },
    unlinkSync: (file) => {
      const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      nodeFs.unlinkSync(file);
      this.free += size;
      this.note(`unlink ${path.basename(String(file))}`);
    },
    ftruncateSync: (fd, length = 0) => {
      const before = nodeFs.fstatSync(fd).size;
      nodeFs.ftruncateSync(fd, length);
      this.free += Math.max(0, before - length);
      this.note(`truncate ${this.name(fd)} ${length}`);
    },
    statfsSync: ((dir: string) => {
      const stats = nodeFs.statfsSync(dir);
      return { ...stats, bavail: Math.min(stats.bavail, Math.floor(this.free / stats.bsize)) };
    }) as StorageFs['statfsSync'],
  };
}
