import type { ArgumentsCamelCase, CommandModule } from 'yargs';
import { type CommonArgs, commonConfigFrom, commonOptions, withEnv } from '../config/options.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceName } from '../stack/registry.js';
import type { RunningService, ServiceDefinition } from './definition.js';
import { SERVICE_LISTENING, SERVICE_STOP, STATS_ANSWER, STATS_REQUEST, supervisorMessage } from './handshake.js';
import { StartupError } from './startup-error.js';

/** Past this a stopping service exits anyway: the supervisor's own grace period is longer. */
const STOP_DEADLINE_MS = 3000;

/** `serve <name>` for the thiscord CLI and `$0` for the standalone entry share this command. */
export function serviceCommand(definition: ServiceDefinition<ServiceName>, command: string = definition.name): CommandModule {
  return {
    command,
    describe: definition.describe,
    builder: (yargs) => yargs.options({ ...commonOptions(), ...withEnv(definition.options) }),
    handler: (args) => runService(definition, args),
  };
}

/**
 * Runs a service in the foreground until SIGTERM or SIGINT, or until the supervisor that started
 * it goes away (its IPC channel disconnects), so that no service outlives a killed supervisor.
 */
export async function runService(definition: ServiceDefinition<ServiceName>, args: ArgumentsCamelCase): Promise<void> {
  const config = commonConfigFrom(args as unknown as CommonArgs);
  // Signals are ours before the service starts: it logs that it is ready from inside start(), and a
  // SIGTERM that followed that line at once would otherwise meet the default action and kill it.
  let requested: string | null = null;
  let stop = (reason: string): void => void (requested ??= reason);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A person reading one service's log sees the same colours as in `up`; supervised services log JSON.
  const colours = config.logFormat === 'pretty' ? (await import('../stack/registry.js')).logColours() : {};
  // pino is loaded here, not when `thiscord` reads the `serve` command's options with every other command.
  const { createLogger } = await import('../logging/logger.js');
  const logger = createLogger({ service: definition.name, level: config.logLevel, format: config.logFormat, colours });
  let running: RunningService;
  try {
    running = await definition.start({ config, args, logger });
  } catch (error) {
    reportFatal(logger, 'failed to start', error);
    process.exit(1);
  }
  // Tells a supervisor that this process (not some other one on the same port) is listening.
  process.send?.({ type: SERVICE_LISTENING });
  process.on('uncaughtException', (error) => {
    reportFatal(logger, 'crashed', error);
    process.exit(1);
  });
  let stopping = false;
  stop = (reason: string): void => {
    if (stopping) {
      logger.warn({ reason }, 'second stop request; exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, 'stopping');
    setTimeout(() => {
      logger.error({ deadline_ms: STOP_DEADLINE_MS }, 'did not stop in time; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    running.stop(reason).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        reportFatal(logger, 'failed to stop cleanly', error);
        process.exit(1);
      },
    );
  };
  if (process.send) {
    process.on('disconnect', () => stop('supervisor gone'));
    process.on('message', (raw: unknown) => {
      const message = supervisorMessage(raw);
      if (message?.type === STATS_REQUEST) process.send?.({ type: STATS_ANSWER, stats: running.stats?.() ?? {} });
      else if (message?.type === SERVICE_STOP) stop(message.reason);
    });
  }
  if (requested) stop(requested);
}

function reportFatal(logger: Logger, what: string, error: unknown): void {
  if (error instanceof StartupError) {
    logger.fatal({ code: error.code }, error.message);
  } else {
    logger.fatal({ err: error }, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
