import { ControlClient, ControlError } from '../../clients/control/control-client.js';
import { commonConfigFrom, durationOption } from '../../config/options.js';
import { defineCommand } from '../command.js';

export const downCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .option('json', { type: 'boolean', default: false, describe: 'print {"stopped": true, "pid": ...}' })
      .option('timeout', durationOption('timeout', 'how long to wait for everything to stop', '60s', 100))
      .example('$0 down', '')
      .epilogue('Exit codes: 0 stopped, 1 no stack running for this data dir (or it did not stop in time), 2 bad usage.'),
  handler: async (args) => {
    const client = new ControlClient(commonConfigFrom(args).dataDir);
    const { pid } = await client.call('shutdown');
    const deadline = Date.now() + args.timeout;
    // The supervisor closes its socket as the last thing before it exits.
    for (;;) {
      try {
        await client.call('version', [], 1000);
      } catch (error) {
        if (error instanceof ControlError) break;
        throw error;
      }
      if (Date.now() > deadline)
        throw new ControlError(`the stack (pid ${pid}) is still stopping after ${args.timeout} ms; see "thiscord logs"`, 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.stdout.write(args.json ? `${JSON.stringify({ stopped: true, pid })}\n` : `stopped the stack (supervisor pid ${pid})\n`);
  },
});
