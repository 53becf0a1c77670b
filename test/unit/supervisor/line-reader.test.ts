import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../src/supervisor/line-reader.js';

function read(chunks: (string | Buffer)[], maxLine?: number): string[] {
  const lines: string[] = [];
  const reader = new LineReader((line) => lines.push(line), maxLine);
  for (const chunk of chunks) reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  reader.end();
  return lines;
}

describe('LineReader', () => {
  it('joins a line split across chunks and splits chunks holding several lines', () => {
    expect(read(['{"a":', '1}\n{"b":2}\n{"c"', ':3}\n'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('drops carriage returns and empty lines', () => {
    expect(read(['one\r\n\r\n\ntwo\n'])).toEqual(['one', 'two']);
  });

  it('delivers a last line without a newline when the stream ends', () => {
    expect(read(['Error: boom\n    at main (x.js:1:1)'])).toEqual(['Error: boom', '    at main (x.js:1:1)']);
  });

  it('keeps a multi-byte character that is split between chunks', () => {
    const bytes = Buffer.from('née\n');
    expect(read([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(['née']);
  });

  it('cuts a line that never ends at the limit instead of buffering without bound', () => {
    expect(read(['x'.repeat(10), 'y'.repeat(10), 'z\n'], 15)).toEqual(['x'.repeat(10) + 'y'.repeat(10), 'z']);
  });
});
