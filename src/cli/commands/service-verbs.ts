import { CONTROL_EXIT, ControlClient } from '../../clients/control/control-client.js';
import { formatServices } from '../../clients/control/format-status.js';
import { commonConfigFrom } from '../../config/options.js';
import { ALL_SERVICES } from '../../protocol/control-api.js';
import { SERVICE_NAMES } from '../../stack/registry.js';
import { defineCommand } from '../command.js';

/** Long enough for a graceful stop (--stop-grace) and a start (--ready-timeout) of every service. */
const VERB_TIMEOUT_MS = 120_000;

const SERVICES_HELP = `${SERVICE_NAMES.join(', ')}, or ${ALL_SERVICES}`;

function verbCommand(verb: 'start' | 'stop' | 'restart', wanted: string, example: string) {
  return defineCommand({
    builder: (yargs) =>
      yargs
        .positional('service', { type: 'string', demandOption: true, describe: SERVICES_HELP })
        .option('json', { type: 'boolean', default: false, describe: 'print the services acted on as JSON' })
        .example(`$0 ${verb} ${example}`, '')
        .epilogue(
          `Exit codes: 0 done, 1 no stack running for this data dir, 2 bad usage, 3 a service is not ${wanted} afterwards (e.g. FATAL).`,
        ),
    handler: async (args) => {
      const services = await new ControlClient(commonConfigFrom(args).dataDir).call(verb, [args.service], VERB_TIMEOUT_MS);
      process.stdout.write(`${args.json ? JSON.stringify(services) : formatServices(services)}\n`);
      process.exitCode = services.every((service) => service.state === wanted) ? CONTROL_EXIT.done : CONTROL_EXIT.fatal;
    },
  });
}

export const startCommand = verbCommand('start', 'running', 'hub');
export const stopCommand = verbCommand('stop', 'stopped', 'rooms');
export const restartCommand = verbCommand('restart', 'running', 'hub');
