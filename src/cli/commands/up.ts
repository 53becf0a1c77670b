import { type CommonArgs, durationOption, integerOption, withEnv } from '../../config/options.js';
import { parseDurationMs, parsePort } from '../../config/validate.js';
import { SERVICE_NAMES } from '../../stack/registry.js';
import { defineCommand } from '../command.js';

export interface UpArgs extends CommonArgs {
  only?: string;
  readyTimeout: number;
  probeInterval: number;
  probeFailures: number;
  backoffInitial: number;
  backoffMax: number;
  backoffReset: number;
  maxRestarts: number;
  restartWindow: number;
  stopGrace?: number;
  detach: boolean;
  detachedChild: boolean;
  metricsPort?: number;
  logFileBytes: number;
  logFiles: number;
}

const upOptions = {
  only: {
    type: 'string',
    describe: `start only these services (and what they depend on) of ${SERVICE_NAMES.join(', ')}, e.g. broker,rooms`,
  },
  'ready-timeout': durationOption('ready-timeout', 'how long a service has to become healthy', '10s', 100),
  'probe-interval': durationOption('probe-interval', 'how often running services are probed', '2s', 50),
  'probe-failures': integerOption(
    'probe-failures',
    'probe intervals in a row without an answer after which a service is killed and restarted',
    3,
    1,
    100,
  ),
  'backoff-initial': durationOption('backoff-initial', 'delay before a second restart in a row (the first is immediate)', '100ms', 0),
  'backoff-max': durationOption('backoff-max', 'longest delay between restarts', '5s', 0),
  'backoff-reset': durationOption('backoff-reset', 'healthy this long and the delay starts over', '30s', 0),
  'max-restarts': integerOption('max-restarts', 'restarts allowed within --restart-window before a service is fatal', 5, 0, 1000),
  'restart-window': durationOption('restart-window', 'the window for --max-restarts', '60s', 1),
  'stop-grace': {
    describe: "how long every service gets to stop after SIGTERM before SIGKILL (default: each service's own, else 5s)",
    type: 'string',
    coerce: (value: unknown) => (value === undefined ? undefined : parseDurationMs('stop-grace', value, 0)),
  },
  detach: {
    type: 'boolean',
    default: false,
    describe: 'run in the background: return once every service is healthy; log to <data dir>/logs/ (stop it with "thiscord down")',
  },
  'detached-child': { type: 'boolean', default: false, hidden: true },
  'metrics-port': {
    type: 'number',
    describe: 'serve Prometheus metrics (/metrics) and /healthz on this port (off by default)',
    coerce: (v: unknown) => (v === undefined ? undefined : parsePort('metrics-port', v)),
  },
  'log-file-bytes': integerOption('log-file-bytes', 'with --detach: rotate the log file past this size', 10 * 1024 * 1024, 1024, 2 ** 40),
  'log-files': integerOption('log-files', 'with --detach: rotated log files kept', 5, 0, 1000),
} as const;

export const upCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .options(withEnv(upOptions))
      .example('$0 up', 'everything on the default ports')
      .example('$0 up --detach --metrics-port 9464', 'in the background, with metrics for Prometheus')
      .example('$0 up --only broker,rooms --log-format json', ''),
  // The supervisor and everything it loads are imported only when `up` runs, so that every other
  // command (status above all, a round trip that should feel instant) starts without them.
  handler: async (args) => (await import('./up-stack.js')).runUp(args),
});
