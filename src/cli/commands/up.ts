import { pino } from 'pino';
import type { CommandModule } from 'yargs';
import { brokerPullEndpoint, type CommonArgs, commonConfigFrom, durationOption, integerOption, withEnv } from '../../config/options.js';
import { parseDurationMs } from '../../config/validate.js';
import { EventPublisher } from '../../events/publisher.js';
import { REDACTED_PATHS } from '../../logging/logger.js';
import { SERVICE_NAMES } from '../../stack/registry.js';
import { banner } from '../../supervisor/banner.js';
import { LogSink } from '../../supervisor/log-sink.js';
import { StartFailure, Supervisor } from '../../supervisor/supervisor.js';
import { CliError } from '../cli-error.js';

interface UpArgs extends CommonArgs {
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
}

const upOptions = {
  only: { type: 'string', describe: 'start only these services (and what they depend on), e.g. broker,rooms' },
  'ready-timeout': durationOption('ready-timeout', 'how long a service has to become healthy', '10s', 100),
  'probe-interval': durationOption('probe-interval', 'how often running services are probed', '2s', 50),
  'probe-failures': integerOption('probe-failures', 'failed probes in a row after which a service is killed and restarted', 3, 1, 100),
  'backoff-initial': durationOption('backoff-initial', 'delay before the first restart', '100ms', 0),
  'backoff-max': durationOption('backoff-max', 'longest delay between restarts', '5s', 0),
  'backoff-reset': durationOption('backoff-reset', 'healthy this long and the delay starts over', '30s', 0),
  'max-restarts': integerOption('max-restarts', 'restarts allowed within --restart-window before a service is fatal', 5, 0, 1000),
  'restart-window': durationOption('restart-window', 'the window for --max-restarts', '60s', 1),
  'stop-grace': {
    describe: "how long every service gets to stop after SIGTERM before SIGKILL (default: each service's own, else 5s)",
    type: 'string',
    coerce: (value: unknown) => (value === undefined ? undefined : parseDurationMs('stop-grace', value, 0)),
  },
} as const;

export const upCommand: CommandModule<object, UpArgs> = {
  command: 'up',
  describe: `start every service (${SERVICE_NAMES.join(', ')}) under one supervisor (Ctrl-C stops them)`,
  builder: (yargs) =>
    yargs
      .options(withEnv(upOptions as never))
      .example('$0 up', 'everything on the default ports')
      .example('$0 up --only broker,rooms --log-format json', '') as never,
  handler: async (args) => {
    const config = commonConfigFrom(args);
    const sink = new LogSink(config.logFormat);
    const logger = pino(
      {
        level: config.logLevel,
        base: { service: 'supervisor', pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      },
      { write: (line: string) => sink.own(line) },
    );
    const events = new EventPublisher(brokerPullEndpoint(config));
    let supervisor: Supervisor;
    try {
      supervisor = new Supervisor(
        config,
        {
          only: args.only
            ?.split(',')
            .map((name) => name.trim())
            .filter(Boolean),
          probes: { readyTimeoutMs: args.readyTimeout, intervalMs: args.probeInterval, failures: args.probeFailures },
          restart: {
            backoffInitialMs: args.backoffInitial,
            backoffMaxMs: args.backoffMax,
            backoffResetMs: args.backoffReset,
            maxRestarts: args.maxRestarts,
            windowMs: args.restartWindow,
          },
          stopGraceMs: args.stopGrace,
        },
        logger,
        sink,
        events,
      );
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    let signals = 0;
    const finish = async (code: number): Promise<never> => {
      await events.close();
      await sink.flush();
      process.exit(code);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals === 2) logger.warn('second interrupt: killing every service now');
      // Only a stop that let every service finish, with none fatal, is clean.
      void supervisor.down(signal, signals > 1).then(() => finish(supervisor.fatal.length > 0 || signals > 1 ? 1 : 0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const ms = await supervisor.up();
      const specs = supervisor.children.map((child) => child.spec);
      // The banner for people, the same facts as one record for scripts.
      if (config.logFormat === 'pretty') sink.text(banner(specs, ms, config.dataDir));
      else
        logger.info(
          { endpoints: Object.fromEntries(specs.map((spec) => [spec.name, spec.endpoint])), data_dir: config.dataDir },
          'ThisCord is up: npm run chat, npm run rooms, npm run subscribe',
        );
    } catch (error) {
      if (!(error instanceof StartFailure)) throw error;
      logger.error({ failed: error.service, last_lines: error.lastLines }, error.message);
      sink.text(`\n${error.service}'s last lines:\n${error.lastLines.map((line) => `  ${line}`).join('\n')}\n`);
      await finish(1);
    }
  },
};
