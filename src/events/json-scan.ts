/**
 * A validating scanner for JSON text in UTF-8 bytes (already checked to be valid UTF-8), for the
 * broker's hot path: it answers "is this valid JSON?" and where values start and end, without
 * building strings or objects the way JSON.parse does. It accepts exactly the JSON grammar
 * (RFC 8259); tests compare it with JSON.parse on random and mutated input.
 */
const MAX_DEPTH = 256;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= ZERO && b <= NINE;
const isHex = (b: number | undefined): boolean =>
  b !== undefined && ((b >= ZERO && b <= NINE) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

export function skipSpace(bytes: Uint8Array, at: number): number {
  let i = at;
  for (let b = bytes[i]; b === SPACE || b === LF || b === CR || b === TAB; b = bytes[++i]);
  return i;
}

/** Index just past the string starting at `at` (a quote), or -1. `escaped` reports a backslash. */
export function scanString(bytes: Uint8Array, at: number, found?: { escaped: boolean }): number {
  let i = at + 1;
  for (;;) {
    const b = bytes[i];
    if (b === undefined || b < 0x20) return -1;
    if (b === QUOTE) return i + 1;
    if (b === BACKSLASH) {
      if (found) found.escaped = true;
      const next = bytes[i + 1];
      if (next === 0x75) {
        if (!isHex(bytes[i + 2]) || !isHex(bytes[i + 3]) || !isHex(bytes[i + 4]) || !isHex(bytes[i + 5])) return -1;
        i += 6;
      } else if (
        next === QUOTE ||
        next === BACKSLASH ||
        next === 0x2f ||
        next === 0x62 ||
        next === 0x66 ||
        next === 0x6e ||
        next === 0x72 ||
        next === 0x74
      ) {
        i += 2;
      } else return -1;
    } else i++;
  }
}

function scanNumber(bytes: Uint8Array, at: number): number {
  let i = at;
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === ZERO) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === DOT) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

function scanLiteral(bytes: Uint8Array, at: number, literal: readonly number[]): number {
  for (let k = 0; k < literal.length; k++) if (bytes[at + k] !== literal[k]) return -1;
  return at + literal.length;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** Index just past the JSON value starting at `at` (no leading space), or -1 if it is not valid. */
export function scanValue(bytes: Uint8Array, at: number, depth = 0): number {
  const b = bytes[at];
  if (b === QUOTE) return scanString(bytes, at);
  if (b === OPEN_BRACE || b === OPEN_BRACKET) {
    if (depth >= MAX_DEPTH) return -1;
    const object = b === OPEN_BRACE;
    const close = object ? CLOSE_BRACE : CLOSE_BRACKET;
    let i = skipSpace(bytes, at + 1);
    if (bytes[i] === close) return i + 1;
    for (;;) {
      if (object) {
        if (bytes[i] !== QUOTE) return -1;
        i = scanString(bytes, i);
        if (i < 0) return -1;
        i = skipSpace(bytes, i);
        if (bytes[i] !== COLON) return -1;
        i = skipSpace(bytes, i + 1);
      }
      i = scanValue(bytes, i, depth + 1);
      if (i < 0) return -1;
      i = skipSpace(bytes, i);
      if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
      else if (bytes[i] === close) return i + 1;
      else return -1;
    }
  }
  if (b === MINUS || isDigit(b)) return scanNumber(bytes, at);
  if (b === 0x74) return scanLiteral(bytes, at, TRUE);
  if (b === 0x66) return scanLiteral(bytes, at, FALSE);
  if (b === 0x6e) return scanLiteral(bytes, at, NULL);
  return -1;
}
