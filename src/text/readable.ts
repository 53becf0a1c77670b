/** Local wall-clock time, `HH:MM:SS.mmm`, or `HH:MM` when `precise` is false. */
export function clockTime(time: string | number | Date = Date.now(), precise = true): string {
  const date = new Date(time);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const minutes = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return precise ? `${minutes}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` : minutes;
}

/** A value in a `key=value` list: bare when unambiguous, JSON otherwise; never a raw control character. */
export function fieldValue(value: unknown): string {
  if (typeof value === 'string') return escapeControls(/[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value);
  return escapeControls(JSON.stringify(value) ?? String(value));
}

/**
 * C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional formatting
 * characters: what could make a line act on a terminal (an OSC title, a screen clear) or read in
 * another order than it was written.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * Text for an operator's terminal with every control character spelt out (`\u001b`), so that
 * whatever a client managed to get into a log line is shown, never obeyed.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
