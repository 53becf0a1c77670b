import type { LogFormat } from '../config/options.js';
import { ERROR_LEVEL, formatPretty, type LogRecord, type PrettyStyle, parseRecord, wantsColour } from '../logging/pretty.js';
import { logColours } from '../stack/registry.js';

/**
 * The aggregated log: every line from every service and from the supervisor goes through here, one
 * whole line per write. JSON records from a service keep their `service` field; anything else a
 * service prints (a stack trace) is kept as an error record tagged with the service.
 */
export class LogSink {
  private readonly style: PrettyStyle;
  private readonly taps: ((service: string, json: string) => void)[] = [];

  constructor(
    private readonly format: LogFormat,
    private readonly out: NodeJS.WritableStream = process.stdout,
    colour = wantsColour(out),
  ) {
    this.style = { colour, colours: logColours() };
  }

  /** A line a service printed. */
  service(service: string, line: string, stream: 'stdout' | 'stderr'): void {
    const record = parseRecord(line);
    if (record?.service !== undefined) this.emit(record, line);
    else if (record) this.emit({ ...record, service });
    else this.emit({ level: ERROR_LEVEL, time: Date.now(), service, stream, msg: line });
  }

  /** A JSON line from the supervisor's own logger. */
  supervisor(line: string): void {
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
    else this.out.write(`${formatPretty(record, this.style)}\n`);
    for (const tap of this.taps) tap(String(record.service ?? ''), json);
  }
}
