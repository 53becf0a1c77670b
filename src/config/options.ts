import path from 'node:path';
import type { Options } from 'yargs';
import { envNameOf, parseChoice, parseDurationMs, parseHost, parseInteger, parsePathValue, parsePort } from './validate.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The seed's endpoints. Everything binds to loopback unless told otherwise. */
export const DEFAULTS = {
  host: '127.0.0.1',
  hubPort: 12345,
  ircPort: 6667,
  webPort: 8080,
  roomsPort: 3000,
  brokerPullPort: 5555,
  brokerPubPort: 5556,
  dataDir: '.thiscord',
  logLevel: 'info' as LogLevel,
} as const;

/** What every process of the stack agrees on: where the others are, where state lives, how to log. */
export interface CommonConfig {
  host: string;
  hubPort: number;
  ircPort: number;
  webPort: number;
  roomsPort: number;
  brokerPullPort: number;
  brokerPubPort: number;
  /** Absolute. */
  dataDir: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/**
 * An option whose parser yargs' types can read: with a default, a command's handler gets a `T`,
 * not `unknown`, so tsc checks what the handler does with it.
 */
export type ParsedOption<T> = Options & { default: string | number; coerce: (value: unknown) => T };

/** A yargs option whose value is validated by `parse`, so errors name the flag. */
function validated<T>(describe: string, defaultValue: string, parse: (value: unknown) => T): ParsedOption<T> {
  return { describe, default: defaultValue, type: 'string', coerce: parse, group: 'Stack:' };
}

/**
 * A whole-number option. No yargs `type: 'number'`: yargs would turn `--hub-port abc` into NaN before
 * the parser could quote what was typed; untyped, numbers still arrive as numbers and the rest as text.
 */
export function integerOption(flag: string, describe: string, defaultValue: number, min: number, max: number): ParsedOption<number> {
  return { describe, default: defaultValue, requiresArg: true, coerce: (v: unknown) => parseInteger(flag, v, min, max) };
}

export function portOption(flag: string, describe: string, defaultValue: number): ParsedOption<number> {
  return { describe, default: defaultValue, requiresArg: true, coerce: (v: unknown) => parsePort(flag, v), group: 'Stack:' };
}

export function durationOption(flag: string, describe: string, defaultValue: string, minMs = 0): ParsedOption<number> {
  return { describe, default: defaultValue, type: 'string', coerce: (v: unknown) => parseDurationMs(flag, v, minMs) };
}

/**
 * Lets `THISCORD_<FLAG>` set each option: the variable becomes the option's default, so a flag on
 * the command line still wins, the option's parser validates both (its message names the flag and
 * the variable), and variables that are not options (THISCORD_SECRET) are never taken for flags.
 */
export function withEnv<T extends Record<string, Options>>(options: T, env: NodeJS.ProcessEnv = process.env): T {
  const result: Record<string, Options> = {};
  for (const [flag, option] of Object.entries(options)) {
    const value = env[envNameOf(flag)];
    result[flag] = value === undefined || value === '' ? option : { ...option, default: value };
  }
  return result as T;
}

/** Flags shared by every command, each also settable as `THISCORD_<FLAG>`. */
export const commonOptions = (): typeof baseOptions => withEnv(baseOptions);

const baseOptions = {
  host: validated('address every service binds to and clients connect to', DEFAULTS.host, (v) => parseHost('host', v)),
  'hub-port': portOption('hub-port', 'chat hub TCP port', DEFAULTS.hubPort),
  'irc-port': portOption('irc-port', 'IRC gateway port (plain-text IRC)', DEFAULTS.ircPort),
  'web-port': portOption('web-port', 'web client HTTP port (the page, its API and the hub over WebSocket)', DEFAULTS.webPort),
  'rooms-port': portOption('rooms-port', 'room service XML-RPC port', DEFAULTS.roomsPort),
  'broker-pull-port': portOption('broker-pull-port', 'event broker port publishers PUSH to', DEFAULTS.brokerPullPort),
  'broker-pub-port': portOption('broker-pub-port', 'event broker port subscribers SUB from', DEFAULTS.brokerPubPort),
  'data-dir': validated('directory for room state, the ticket secret and client credentials', DEFAULTS.dataDir, (v) =>
    parsePathValue('data-dir', v),
  ),
  'log-level': validated(`log level (${LOG_LEVELS.join(', ')})`, DEFAULTS.logLevel, (v) => parseChoice('log-level', v, LOG_LEVELS)),
  'log-format': {
    describe: 'pretty for people, json (NDJSON) for machines; default: pretty on a terminal, json otherwise',
    type: 'string',
    group: 'Stack:',
    coerce: (v: unknown) => (v === undefined ? undefined : parseChoice('log-format', v, LOG_FORMATS)),
  } satisfies Options,
} satisfies Record<string, Options>;

/** What `commonOptions` parses to: the configuration, with the log format still to be defaulted. */
export type CommonArgs = Omit<CommonConfig, 'logFormat'> & { logFormat?: LogFormat | undefined };

export function defaultLogFormat(): LogFormat {
  return process.stdout.isTTY ? 'pretty' : 'json';
}

export function commonConfigFrom(args: CommonArgs): CommonConfig {
  return {
    host: args.host,
    hubPort: args.hubPort,
    ircPort: args.ircPort,
    webPort: args.webPort,
    roomsPort: args.roomsPort,
    brokerPullPort: args.brokerPullPort,
    brokerPubPort: args.brokerPubPort,
    dataDir: path.resolve(args.dataDir),
    logLevel: args.logLevel,
    logFormat: args.logFormat ?? defaultLogFormat(),
  };
}

/** The environment that hands a configuration to a child process (the supervisor's children). */
export function commonConfigToEnv(config: CommonConfig): Record<string, string> {
  return {
    THISCORD_HOST: config.host,
    THISCORD_HUB_PORT: String(config.hubPort),
    THISCORD_IRC_PORT: String(config.ircPort),
    THISCORD_WEB_PORT: String(config.webPort),
    THISCORD_ROOMS_PORT: String(config.roomsPort),
    THISCORD_BROKER_PULL_PORT: String(config.brokerPullPort),
    THISCORD_BROKER_PUB_PORT: String(config.brokerPubPort),
    THISCORD_DATA_DIR: config.dataDir,
    THISCORD_LOG_LEVEL: config.logLevel,
    THISCORD_LOG_FORMAT: config.logFormat,
  };
}

export function brokerPullEndpoint(config: Pick<CommonConfig, 'host' | 'brokerPullPort'>): string {
  return `tcp://${config.host}:${config.brokerPullPort}`;
}

export function brokerPubEndpoint(config: Pick<CommonConfig, 'host' | 'brokerPubPort'>): string {
  return `tcp://${config.host}:${config.brokerPubPort}`;
}

/**
 * The hub's local socket: probes and gateways on this machine connect here instead of over TCP, so
 * they never compete with clients for connection quotas. Its directory is the owner's alone.
 */
export function hubLocalSocket(config: Pick<CommonConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'run', 'hub.sock');
}

/** The IRC gateway's local socket, where the supervisor probes it outside the per-address and total client caps. */
export function ircLocalSocket(config: Pick<CommonConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'run', 'irc.sock');
}
