import { CONTROL_EXIT, ControlClient } from '../../clients/control/control-client.js';
import { formatStatus } from '../../clients/control/format-status.js';
import { commonConfigFrom } from '../../config/options.js';
import type { StackStatus } from '../../protocol/control-api.js';
import { defineCommand } from '../command.js';

/** 3 when a service is FATAL (or, for --check, anything but running), 0 otherwise. */
export function statusExitCode(status: StackStatus, check: boolean): number {
  const bad = status.services.filter((service) => (check ? service.state !== 'running' : service.state === 'fatal'));
  return bad.length > 0 ? CONTROL_EXIT.fatal : CONTROL_EXIT.done;
}

export const statusCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .option('json', { type: 'boolean', default: false, describe: 'print the whole status as one JSON object' })
      .option('check', { type: 'boolean', default: false, describe: 'exit 3 unless every service is running (for scripts and monitors)' })
      .example('$0 status', 'the table')
      .example('$0 status --check || alert', 'in a monitor')
      .epilogue('Exit codes: 0 done, 1 no stack running for this data dir, 2 bad usage, 3 a service is FATAL (with --check: not running).'),
  handler: async (args) => {
    const status = await new ControlClient(commonConfigFrom(args).dataDir).call('status');
    process.stdout.write(`${args.json ? JSON.stringify(status) : formatStatus(status)}\n`);
    process.exitCode = statusExitCode(status, args.check);
  },
});
