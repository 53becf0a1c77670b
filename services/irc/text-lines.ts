import { ME_ACTION } from '../../src/protocol/frames.js';

/**
 * Hub messages may hold up to 4,000 characters and line breaks; an IRC line holds one line of at
 * most 512 bytes. A message becomes as many lines as it needs, each cut at a character boundary
 * (never inside a UTF-8 sequence or a surrogate pair), control characters IRC cannot carry removed.
 */
export function splitText(text: string, maxBytes: number): string[] {
  // Most messages are one short line: no need to walk them character by character.
  if (!/[\0\r\n]/.test(text) && Buffer.byteLength(text, 'utf8') <= maxBytes) return text === '' ? [] : [text];
  const lines: string[] = [];
  for (const line of text.replace(/\0/g, '').split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    let chunk = '';
    let bytes = 0;
    for (const char of line) {
      const size = Buffer.byteLength(char, 'utf8');
      if (bytes + size > maxBytes && chunk) {
        lines.push(chunk);
        chunk = '';
        bytes = 0;
      }
      chunk += char;
      bytes += size;
    }
    if (chunk) lines.push(chunk);
  }
  return lines;
}

const CTCP = '\x01';

/** IRC text → hub text: CTCP ACTION becomes "/me …"; other CTCP requests are not chat and carry nothing. */
export function textFromIrc(text: string): string | undefined {
  if (!text.startsWith(CTCP)) return text;
  const body = text.slice(1, text.endsWith(CTCP) ? -1 : undefined);
  if (body.startsWith('ACTION ')) return `${ME_ACTION}${body.slice('ACTION '.length)}`;
  return undefined;
}

/** Hub text → IRC text lines, "/me …" as CTCP ACTION. */
export function textToIrc(text: string, maxBytes: number): string[] {
  if (text.startsWith(ME_ACTION)) {
    return splitText(text.slice(ME_ACTION.length), maxBytes - 9).map((line) => `${CTCP}ACTION ${line}${CTCP}`);
  }
  return splitText(text, maxBytes);
}
