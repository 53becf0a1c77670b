import type { LogFormat } from '../config/options.js';
import { logColours } from '../stack/registry.js';
import { clockTime, fieldValue } from '../text/readable.js';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SERVICE_COLOURS = logColours();
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg']);
const ERROR_LEVEL = 50;

type LogRecord = Record<string, unknown>;

/** `HH:MM:SS.mmm service | LEVEL message key=value`, the service in its own colour. */
export function formatPretty(record: LogRecord, colour: boolean): string {
  const service = String(record.service ?? '?');
  const level = LEVELS[Number(record.level)] ?? 'INFO';
  const paint = (code: number, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const levelColour = Number(record.level) >= ERROR_LEVEL ? 31 : Number(record.level) >= 40 ? 33 : 0;
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN_KEYS.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const levelText = levelColour ? paint(levelColour, level.padEnd(5)) : level.padEnd(5);
  return [
    `${clockTime(typeof record.time === 'string' || typeof record.time === 'number' ? record.time : Date.now())} ${paint(SERVICE_COLOURS[service] ?? 34, service.padEnd(10))} | ${levelText} ${String(record.msg ?? '')}`,
    ...fields,
  ].join(' ');
}

/** Colour on a terminal, or when FORCE_COLOR asks for it (e.g. piped into `less -R`); NO_COLOR always wins. */
export function wantsColour(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return Boolean((out as NodeJS.WriteStream).isTTY);
}

/**
 * The aggregated log: every line from every service and from the supervisor goes through here, one
 * whole line per write. JSON records from a service keep their `service` field; anything else a
 * service prints (a stack trace) is kept as an error record tagged with the service.
 */
export class LogSink {
  private readonly taps: ((service: string, json: string) => void)[] = [];

  constructor(
    private readonly format: LogFormat,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly colour = wantsColour(out),
  ) {}

  /** A line a service printed. */
  service(service: string, line: string, stream: 'stdout' | 'stderr'): void {
    const record = parseRecord(line);
    if (record?.service !== undefined) this.emit(record, line);
    else if (record) this.emit({ ...record, service });
    else this.emit({ level: ERROR_LEVEL, time: Date.now(), service, stream, msg: line });
  }

  /** A JSON line from the supervisor's own logger. */
  own(line: string): void {
    const record = parseRecord(line);
    if (record) this.emit(record, line.trimEnd());
  }

  /** Text for people only (the banner); in JSON mode the same facts are a log record. */
  text(text: string): void {
    if (this.format === 'pretty') this.out.write(`${text}\n`);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }

  /** Also hands every record, as one JSON line, to `tap` (the control endpoint's log ring). */
  tap(tap: (service: string, json: string) => void): void {
    this.taps.push(tap);
  }

  private emit(record: LogRecord, raw?: string): void {
    const json = this.format === 'json' || this.taps.length > 0 ? (raw ?? JSON.stringify(record)) : '';
    if (this.format === 'json') this.out.write(`${json}\n`);
    else this.out.write(`${formatPretty(record, this.colour)}\n`);
    for (const tap of this.taps) tap(String(record.service ?? ''), json);
  }
}

function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}
