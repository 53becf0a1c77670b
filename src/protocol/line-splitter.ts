/**
 * Splits a byte stream into lines (the hub's frames, a service's log output, the room journal)
 * without copying more than needed: complete lines are sliced out of the chunk they arrived in,
 * and only a partial tail is kept. Lines come without their `\n` or a trailing `\r`, as bytes:
 * `\n` never occurs inside a UTF-8 character, so each line decodes on its own.
 *
 * A line longer than `maxLineBytes` is never buffered whole. With `overlong: 'fail'` (the default,
 * for protocols) `push` returns false and the stream cannot be resynchronised; with `'cut'` (for
 * text that must keep flowing, such as log output) it is passed on in pieces of `maxLineBytes`.
 */
export class LineSplitter {
  private tail: Buffer | null = null;
  private readonly cut: boolean;

  constructor(
    private readonly maxLineBytes: number,
    options: { overlong?: 'fail' | 'cut' } = {},
  ) {
    this.cut = options.overlong === 'cut';
  }

  /** Calls `onLine` for each complete line; false if a line was too long (only with `overlong: 'fail'`). */
  push(chunk: Buffer, onLine: (line: Buffer) => void): boolean {
    let data = chunk;
    if (this.tail) {
      data = Buffer.concat([this.tail, chunk]);
      this.tail = null;
    }
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end >= 0; end = data.indexOf(0x0a, start)) {
      if (end - start > this.maxLineBytes) {
        if (!this.cut) return false;
        start = this.passPieces(data, start, end, onLine);
      }
      const stop = end > start && data[end - 1] === 0x0d ? end - 1 : end;
      onLine(data.subarray(start, stop));
      start = end + 1;
    }
    if (data.length - start > this.maxLineBytes) {
      if (!this.cut) return false;
      start = this.passPieces(data, start, data.length, onLine);
    }
    if (start < data.length) this.tail = Buffer.from(data.subarray(start));
    return true;
  }

  /** The stream ended: a last line that had no newline, if any. */
  end(onLine: (line: Buffer) => void): void {
    if (this.tail) onLine(this.tail);
    this.tail = null;
  }

  /** Passes on whole pieces of an over-long line; returns where its remainder (at most one piece) starts. */
  private passPieces(data: Buffer, start: number, end: number, onLine: (line: Buffer) => void): number {
    let at = start;
    while (end - at > this.maxLineBytes) {
      onLine(data.subarray(at, at + this.maxLineBytes));
      at += this.maxLineBytes;
    }
    return at;
  }
}
