import { describe, expect, it } from 'vitest';
import { splitText, textFromIrc, textToIrc } from '../../../services/irc/text-lines.js';

describe('hub text as IRC lines', () => {
  it('splits at line breaks and at the byte limit, never inside a character', () => {
    const text = `${'é'.repeat(10)}😀x\r\nsecond\n\nthird`;
    const lines = splitText(text, 7);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(7);
    expect(lines.join('')).toBe(`${'é'.repeat(10)}😀xsecondthird`);
    expect(lines.slice(-2)).toEqual(['second', 'third']);
    expect(lines).toContain('é😀x');
  });

  it('drops NUL, which IRC cannot carry', () => {
    expect(splitText('a\0b', 100)).toEqual(['ab']);
  });

  it("maps CTCP ACTION to the hub's /me and back; other CTCP is not chat", () => {
    expect(textFromIrc('\x01ACTION waves\x01')).toBe('/me waves');
    expect(textFromIrc('\x01VERSION\x01')).toBeUndefined();
    expect(textFromIrc('plain')).toBe('plain');
    expect(textToIrc('/me waves', 100)).toEqual(['\x01ACTION waves\x01']);
  });
});
