import { createRequire } from 'node:module';
import { type Logger, type LoggerOptions, pino } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/options.js';
import type { StackProcess } from '../stack/registry.js';

// pino-pretty is loaded only when a person reads the output: a supervised service always logs
// JSON, and not loading it takes ~25 ms off every (re)start.
const require = createRequire(import.meta.url);
const loadPretty = (): typeof PinoPretty => require('pino-pretty') as typeof PinoPretty;

export type { Logger } from 'pino';

/** Every process that logs: the registry's services, the supervisor, the CLI. The aggregated log keys on this field. */
export type LogSource = StackProcess;

export interface LoggerSettings {
  service: LogSource;
  level: LogLevel;
  format: LogFormat;
  /** Defaults to stdout; tests pass a stream to inspect records. */
  destination?: NodeJS.WritableStream;
}

/**
 * Keys that would carry chat text if someone ever passed a frame or message object to the logger.
 * Chat text must never reach a log, so they are censored as a second line of defence.
 */
export const REDACTED_PATHS = [
  'text',
  '*.text',
  '*.*.text',
  'passphrase',
  '*.passphrase',
  'ticket',
  '*.ticket',
  'owner_key',
  '*.owner_key',
];

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (settings.format === 'pretty') {
    const stream = loadPretty()({
      colorize: Boolean((settings.destination as NodeJS.WriteStream | undefined)?.isTTY ?? process.stdout.isTTY),
      destination: settings.destination ?? 1,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      messageFormat: `${settings.service} | {msg}`,
    });
    return pino(options, stream);
  }
  return pino(options, settings.destination ?? pino.destination({ dest: 1, sync: true }));
}
