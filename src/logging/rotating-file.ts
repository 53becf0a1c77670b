import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';

export interface RotationSettings {
  /** Past this size the file is rotated. */
  maxBytes: number;
  /** Rotated files kept: `<name>.1` (newest) to `<name>.<keep>`. */
  keep: number;
}

/**
 * An append-only log file rotated by size: `thiscord.log` becomes `thiscord.log.1`, `.1` becomes
 * `.2`, and so on, the oldest beyond `keep` deleted. Whole lines only are written (the aggregated
 * log hands over one line per write), so a rotation never splits one. Writes are synchronous, as
 * pino's own file destination's can be: a line is on its way to the disk before the next is taken.
 */
export class RotatingFile extends Writable {
  private fd: number;
  private size: number;

  constructor(
    readonly file: string,
    private readonly settings: RotationSettings,
  ) {
    super({ decodeStrings: true });
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = openSync(file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    try {
      if (this.size > 0 && this.size + chunk.length > this.settings.maxBytes) this.rotate();
      writeSync(this.fd, chunk);
      this.size += chunk.length;
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    closeSync(this.fd);
    done();
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.file}.${this.settings.keep}`, { force: true });
    for (let n = this.settings.keep - 1; n >= 1; n--) {
      try {
        renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (this.settings.keep > 0) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
  }
}
