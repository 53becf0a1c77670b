import { clockTime, escapeControls, fieldValue } from '../text/readable.js';

/**
 * The one readable log format, for `thiscord up` (every service's records, interleaved) and
 * `thiscord serve` alike: `HH:MM:SS.mmm service | LEVEL message key=value`.
 */
export interface PrettyStyle {
  colour: boolean;
  /** ANSI colour code of each service name (the registry's `logColours()`); others are printed plain. */
  colours: Readonly<Record<string, number>>;
}

export type LogRecord = Record<string, unknown>;

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg']);
export const ERROR_LEVEL = 50;
const WARN_LEVEL = 40;
const RED = 31;
const YELLOW = 33;

export function formatPretty(record: LogRecord, style: PrettyStyle): string {
  // Everything but the colours we add is escaped: records carry what clients sent (a name, a method).
  const service = escapeControls(String(record.service ?? '?'));
  const level = Number(record.level);
  const paint = (code: number | undefined, text: string): string => (style.colour && code ? `\u001b[${code}m${text}\u001b[0m` : text);
  const time = typeof record.time === 'string' || typeof record.time === 'number' ? record.time : Date.now();
  const levelText = paint(level >= ERROR_LEVEL ? RED : level >= WARN_LEVEL ? YELLOW : undefined, (LEVELS[level] ?? 'INFO').padEnd(5));
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN_KEYS.has(key))
    .map(([key, value]) => `${escapeControls(key)}=${fieldValue(value)}`);
  return [
    `${clockTime(time)} ${paint(style.colours[service], service.padEnd(10))} | ${levelText} ${escapeControls(String(record.msg ?? ''))}`,
    ...fields,
  ].join(' ');
}

/** A JSON log line as a record, or undefined when it is something else (a stack trace, JSON that is not an object). */
export function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Colour on a terminal, or when FORCE_COLOR asks for it (e.g. piped into `less -R`); NO_COLOR always wins. */
export function wantsColour(out: object, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return Boolean((out as { isTTY?: boolean }).isTTY);
}
