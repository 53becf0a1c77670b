import { XML_RPC_FAULTS } from './xml-rpc/fault.js';

/**
 * The supervisor's control endpoint (docs/control.md): XML-RPC over a Unix socket in the data dir.
 * Method names, parameters and answers are defined here once, for the supervisor that serves them
 * and the CLI (or any XML-RPC client) that calls them.
 */

/** Bumped when a method or an answer changes incompatibly. */
export const CONTROL_PROTOCOL_VERSION = 1;

/** The socket's name inside the data dir. */
export const CONTROL_SOCKET_NAME = 'control.sock';

/** `start`, `stop` and `restart` take a service name or this, meaning every service. */
export const ALL_SERVICES = 'all';

/** Longest a `log_follow` call waits for a new line before answering with none. */
export const MAX_FOLLOW_WAIT_MS = 30_000;
/** Most lines one `log_tail` or `log_follow` answer carries. */
export const MAX_LOG_LINES = 10_000;

/** Every method: how many parameters it takes, its signature, what it does; docs/control.md has the same table. */
export const CONTROL_METHODS = {
  status: {
    params: [0, 0],
    signature: 'status()',
    help: 'The supervisor and every service: state, pid, uptime, restarts, last exit, endpoint, live figures.',
  },
  start: {
    params: [1, 1],
    signature: 'start(service)',
    help: 'Starts a stopped or FATAL service ("all": every one not running) and answers once it is running or has failed.',
  },
  stop: {
    params: [1, 1],
    signature: 'stop(service)',
    help: 'Stops a service ("all": every one) for good, until start; answers once it has stopped.',
  },
  restart: {
    params: [1, 1],
    signature: 'restart(service)',
    help: 'Stops then starts a service ("all": every one, in order); the others keep running. Answers once it is running or has failed.',
  },
  shutdown: {
    params: [0, 0],
    signature: 'shutdown()',
    help: 'Stops every service and then the supervisor; answers at once, before stopping.',
  },
  log_tail: {
    params: [1, 2],
    signature: 'log_tail(lines[, service])',
    help: 'The last lines of the aggregated log (NDJSON records), of one service or ("" or "all") of every one.',
  },
  log_follow: {
    params: [1, 3],
    signature: 'log_follow(cursor[, service[, wait_ms]])',
    help: 'The lines after cursor (the `next` of an earlier answer), waiting up to wait_ms (at most 30000) for one to arrive.',
  },
  version: { params: [0, 0], signature: 'version()', help: 'The ThisCord version, the Node version and this protocol version.' },
  'system.listMethods': { params: [0, 0], signature: 'system.listMethods()', help: 'Lists every method.' },
  'system.methodHelp': { params: [1, 1], signature: 'system.methodHelp(method)', help: "Describes a method's parameters and result." },
} as const;

export type ControlMethod = keyof typeof CONTROL_METHODS;

/** Every fault code the control endpoint answers with; docs/control.md has the same table. */
export const CONTROL_FAULTS = {
  ...XML_RPC_FAULTS,
  no_such_service: 200,
  shutting_down: 201,
  too_many_followers: 202,
} as const;

export type ControlFaultName = keyof typeof CONTROL_FAULTS;

/** How a service last ended, and why. */
export interface LastExit {
  /** ISO 8601. */
  at: string;
  code?: number;
  signal?: string;
  /** One sentence: "killed by SIGKILL", "exited with code 1", "stopped by request". */
  reason: string;
}

export interface ServiceStatus {
  name: string;
  /** One of the supervisor's child states (docs/supervisor.md), lower case. */
  state: string;
  pid?: number;
  /** While running: since when (ISO 8601) and for how long. */
  since?: string;
  uptime_s?: number;
  /** Restarts within the restart window, the figure the FATAL limit is measured against. */
  restarts: number;
  /** Restarts since the supervisor started, for counters. */
  restarts_total: number;
  last_exit?: LastExit;
  endpoint: string;
}

/** What the services said about themselves at their last sample (absent: no answer yet). */
export interface LiveFigures {
  hub?: { connections: number; rooms: number; messages_per_s: number; messages_total: number; loop_delay_max_ms: number };
  rooms?: { rooms: number };
  broker?: { events_per_s: number; events_total: number; dropped_total: number; drops_per_s: number };
}

export interface StackStatus {
  pid: number;
  /** ISO 8601. */
  since: string;
  uptime_s: number;
  version: string;
  data_dir: string;
  /** Set once shutdown has begun. */
  stopping: boolean;
  services: ServiceStatus[];
  figures: LiveFigures;
}

/** A stretch of the aggregated log. */
export interface LogChunk {
  /** NDJSON records, oldest first. */
  lines: string[];
  /** The cursor to pass to log_follow for what comes after these lines. */
  next: number;
  /** Lines (of any service) that left the ring buffer before they could be read: the reader fell behind. */
  missed: number;
}

export interface VersionInfo {
  version: string;
  node: string;
  protocol: number;
}

/** What each method answers with, so both sides agree at compile time. */
export interface ControlAnswers {
  status: StackStatus;
  start: ServiceStatus[];
  stop: ServiceStatus[];
  restart: ServiceStatus[];
  shutdown: { stopping: true; pid: number };
  log_tail: LogChunk;
  log_follow: LogChunk;
  version: VersionInfo;
  'system.listMethods': string[];
  'system.methodHelp': string;
}
