/**
 * Splits a byte stream into lines without copying more than needed: complete lines are sliced
 * out of the chunk they arrived in, and only a partial tail is kept. A line longer than
 * `maxLineBytes` is reported once as too long; the stream cannot be resynchronised after that.
 */
export class LineSplitter {
  private tail: Buffer | null = null;

  constructor(private readonly maxLineBytes: number) {}

  /** Calls `onLine` for each complete line (without `\n` or a trailing `\r`); false if a line is too long. */
  push(chunk: Buffer, onLine: (line: Buffer) => void): boolean {
    let data = chunk;
    if (this.tail) {
      data = Buffer.concat([this.tail, chunk]);
      this.tail = null;
    }
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end >= 0; end = data.indexOf(0x0a, start)) {
      if (end - start > this.maxLineBytes) return false;
      const stop = end > start && data[end - 1] === 0x0d ? end - 1 : end;
      onLine(data.subarray(start, stop));
      start = end + 1;
    }
    if (data.length - start > this.maxLineBytes) return false;
    if (start < data.length) this.tail = Buffer.from(data.subarray(start));
    return true;
  }
}
