import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a child's output chunks into whole lines, so that lines from different services are
 * never interleaved mid-line in the aggregated log.
 */
export class LineReader {
  private pending = '';
  // A chunk can end inside a multi-byte character; the decoder keeps those bytes for the next one.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 64 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      if (line !== '') this.onLine(line);
      newline = this.pending.indexOf('\n');
    }
    if (this.pending.length > this.maxLine) {
      this.onLine(this.pending);
      this.pending = '';
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }
}
