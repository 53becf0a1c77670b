import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import type { LogFormat, LogLevel } from '../config/options.js';
import type { StackProcess } from '../stack/registry.js';
import { formatPretty, parseRecord, wantsColour } from './pretty.js';

export type { Logger } from 'pino';

/** Every process that logs: the registry's services, the supervisor, the CLI. The aggregated log keys on this field. */
export type LogSource = StackProcess;

interface LoggerSettings {
  service: LogSource;
  level: LogLevel;
  format: LogFormat;
  /** Defaults to stdout; tests pass a stream to inspect records, the supervisor its aggregated log. */
  destination?: DestinationStream & { isTTY?: boolean };
  /** Service name colours for the pretty format (the registry's `logColours()`). */
  colours?: Readonly<Record<string, number>>;
}

/**
 * Keys that would carry chat text if someone ever passed a frame or message object to the logger.
 * Chat text must never reach a log, so they are censored as a second line of defence.
 */
const REDACTED_PATHS = ['text', '*.text', '*.*.text', 'passphrase', '*.passphrase', 'ticket', '*.ticket', 'owner_key', '*.owner_key'];

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (settings.format === 'pretty') {
    // pino still writes JSON; each line is rendered by the same formatter as the aggregated log of `up`.
    const out = settings.destination ?? process.stdout;
    const style = { colour: wantsColour(out), colours: settings.colours ?? {} };
    return pino(options, {
      write: (line: string) => {
        const record = parseRecord(line);
        out.write(record ? `${formatPretty(record, style)}\n` : line);
      },
    });
  }
  return pino(options, settings.destination ?? pino.destination({ dest: 1, sync: true }));
}
