import { hideBin } from 'yargs/helpers';
import { ControlClient } from '../../clients/control/control-client.js';
import { formatAlreadyRunning } from '../../clients/control/format-status.js';
import { isUserFacing } from '../../config/fail-with-sentence.js';
import { brokerPullEndpoint, commonConfigFrom } from '../../config/options.js';
import { EventPublisher } from '../../events/publisher.js';
import { createLogger } from '../../logging/logger.js';
import { RotatingFile } from '../../logging/rotating-file.js';
import { PACKAGE_VERSION } from '../../stack/entry-points.js';
import { banner } from '../../supervisor/banner.js';
import { ControlPlane } from '../../supervisor/control/control-plane.js';
import { StackAlreadyRunning } from '../../supervisor/control/control-socket.js';
import { endLeftovers, StackRecord } from '../../supervisor/leftovers.js';
import { LogSink } from '../../supervisor/log-sink.js';
import { StartFailure, Supervisor } from '../../supervisor/supervisor.js';
import { CliError } from '../cli-error.js';
import type { UpArgs } from './up.js';
import { detachedLogFile, reportToStarter, startDetached } from './up-detached.js';

/** `thiscord up`: runs the stack under one supervisor, with its control plane, until stopped. */
export async function runUp(args: UpArgs): Promise<void> {
  const config = commonConfigFrom(args);
  await refuseSecondStack(config.dataDir);
  if (args.detach) return startDetached(config, hideBin(process.argv), config.logFormat === 'pretty');
  const detached = args.detachedChild;
  const sink = detached
    ? new LogSink('json', new RotatingFile(detachedLogFile(config.dataDir), { maxBytes: args.logFileBytes, keep: args.logFiles }))
    : new LogSink(config.logFormat);
  // Its own records join the services' in the one aggregated log.
  const logger = createLogger({
    service: 'supervisor',
    level: config.logLevel,
    format: 'json',
    destination: { write: (line) => sink.supervisor(line) },
  });
  // No supervisor answers on this data dir, so any process it recorded and still running is a leftover.
  await endLeftovers(config.dataDir, logger);
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
  const record = new StackRecord(config.dataDir, () => supervisor.children, logger);
  supervisor.watch(record);
  let signals = 0;
  let plane: ControlPlane | undefined;
  const finish = async (code: number): Promise<never> => {
    await events.close();
    // The control socket goes last: `thiscord down` waits for it to close.
    await plane?.close();
    await sink.flush();
    process.exit(code);
  };
  const stop = (reason: string, now: boolean): void => {
    // Only a stop that let every service finish, with none fatal, is clean.
    void supervisor.stopAll(reason, { immediately: now }).then(() => {
      record.remove();
      return finish(supervisor.fatal.length > 0 || now ? 1 : 0);
    });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 2) logger.warn('second interrupt: killing every service now');
    stop(signal, signals > 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    plane = await ControlPlane.open(supervisor, sink, {
      config,
      version: PACKAGE_VERSION,
      restartWindowMs: args.restartWindow,
      metricsPort: args.metricsPort,
      logger,
      shutdown: (reason) => stop(reason, false),
    });
  } catch (error) {
    await finish(await reportStartFailure(error, detached));
  }
  try {
    const ms = await supervisor.startAll();
    plane?.running();
    const specs = supervisor.children.map((child) => child.spec);
    const endpoints = Object.fromEntries(specs.map((spec) => [spec.name, spec.endpoint]));
    const howToStop = detached ? 'Stop it with: npx thiscord down' : 'Ctrl-C stops everything.';
    // The banner for people, the same facts as one record for scripts.
    if (config.logFormat === 'pretty' && !detached) sink.text(banner(specs, ms, config.dataDir, howToStop));
    else logger.info({ endpoints, data_dir: config.dataDir }, 'ThisCord is up: npm run chat, npm run rooms, npm run subscribe');
    if (detached)
      reportToStarter({
        type: 'thiscord.up',
        banner: banner(specs, ms, config.dataDir, howToStop),
        record: { endpoints, data_dir: config.dataDir, pid: process.pid, log_file: detachedLogFile(config.dataDir) },
      });
  } catch (error) {
    if (!(error instanceof StartFailure)) throw error;
    // Interrupted while starting: the shutdown under way reports and exits.
    if (signals > 0) return;
    // On a terminal the service's own lines were just shown, readable: the summary names it once more, nothing repeated raw.
    logger.error(config.logFormat === 'json' ? { failed: error.service, last_lines: error.lastLines } : {}, error.message);
    if (detached) reportToStarter({ type: 'thiscord.failed', message: error.message, details: error.lastLines.join('\n') });
    await finish(1);
  }
}

/** A second `up` on a data dir whose stack answers says which stack runs, instead of three port errors. */
async function refuseSecondStack(dataDir: string): Promise<void> {
  const status = await new ControlClient(dataDir, 2000).call('status').catch(() => undefined);
  if (status) throw new CliError(formatAlreadyRunning(status));
}

/** The control plane could not open (a stack started meanwhile, a metrics port in use): one sentence. */
async function reportStartFailure(error: unknown, detached: boolean): Promise<number> {
  if (!isUserFacing(error)) throw error;
  const message = error instanceof StackAlreadyRunning ? error.message : `cannot start: ${error.message}`;
  process.stderr.write(`thiscord: ${message}\n`);
  if (detached) reportToStarter({ type: 'thiscord.failed', message, details: '' });
  return 1;
}
