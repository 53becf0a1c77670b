import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/protocol/line-splitter.js';

function split(chunks: (string | Buffer)[], maxLineBytes = 1000, overlong: 'fail' | 'cut' = 'fail'): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  const splitter = new LineSplitter(maxLineBytes, { overlong });
  let ok = true;
  for (const chunk of chunks)
    ok &&= splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), (line) => lines.push(line.toString()));
  splitter.end((line) => lines.push(line.toString()));
  return { lines, ok };
}

describe('LineSplitter', () => {
  it('joins a line split across chunks and splits chunks holding several lines', () => {
    expect(split(['{"a":', '1}\n{"b":2}\n{"c"', ':3}\n']).lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('drops the carriage return of a CRLF line and keeps empty lines for the caller to judge', () => {
    expect(split(['one\r\n\ntwo\n']).lines).toEqual(['one', '', 'two']);
  });

  it('hands over a last line without a newline when the stream ends', () => {
    expect(split(['Error: boom\n    at main (x.js:1:1)']).lines).toEqual(['Error: boom', '    at main (x.js:1:1)']);
  });

  it('keeps a multi-byte character split between chunks whole', () => {
    const bytes = Buffer.from('née\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2)]).lines).toEqual(['née']);
  });

  it('refuses a line over the limit by default, complete or still arriving', () => {
    expect(split([`${'x'.repeat(11)}\n`], 10).ok).toBe(false);
    expect(split(['x'.repeat(6), 'x'.repeat(6)], 10).ok).toBe(false);
    expect(split([`${'x'.repeat(10)}\n`], 10)).toEqual({ lines: ['x'.repeat(10)], ok: true });
  });

  it('with overlong "cut" passes a long line on in pieces of the limit, never buffering more', () => {
    expect(split(['x'.repeat(10), 'y'.repeat(10), 'z\n'], 15, 'cut')).toEqual({
      lines: ['x'.repeat(10) + 'y'.repeat(5), `${'y'.repeat(5)}z`],
      ok: true,
    });
    expect(split([`${'a'.repeat(25)}\nb\n`], 10, 'cut').lines).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5), 'b']);
  });
});
