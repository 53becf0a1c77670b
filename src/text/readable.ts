const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock time, `HH:MM:SS.mmm`, or `HH:MM` when `precise` is false. */
export function clockTime(time: string | number | Date = Date.now(), precise = true): string {
  const date = new Date(time);
  const minutes = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return precise ? `${minutes}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` : minutes;
}

/** A moment as a person reads it: `14:05:09` today, `2026-11-30 14:05` on another day (local time). */
export function readableTime(time: string | number | Date, now: Date = new Date()): string {
  const date = new Date(time);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const minutes = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return day === today ? `${minutes}:${pad(date.getSeconds())}` : `${day} ${minutes}`;
}

/** Epoch milliseconds between 2001 and 2286, or an ISO 8601 date-time: a field holding a moment. */
function asMoment(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1e12 && value < 1e13) return new Date(value);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  return undefined;
}

/**
 * A value in a `key=value` list: bare when unambiguous, JSON otherwise; moments (`*_at` fields) as
 * readable times; never a raw control character.
 */
export function fieldValue(value: unknown, key = ''): string {
  const moment = key.endsWith('_at') ? asMoment(value) : undefined;
  const shown = moment ? readableTime(moment) : value;
  if (typeof shown === 'string') return escapeControls(/[\s"=]/.test(shown) || shown === '' ? JSON.stringify(shown) : shown);
  return escapeControls(JSON.stringify(shown) ?? String(shown));
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
