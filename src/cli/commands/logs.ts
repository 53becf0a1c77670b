import { ControlClient, ControlError } from '../../clients/control/control-client.js';
import { commonConfigFrom, integerOption } from '../../config/options.js';
import { formatPretty, type PrettyStyle, parseRecord, wantsColour } from '../../logging/pretty.js';
import { type LogChunk, MAX_LOG_LINES } from '../../protocol/control-api.js';
import { logColours, SERVICE_NAMES } from '../../stack/registry.js';
import { defineCommand } from '../command.js';

/** How long one follow call waits on the supervisor before asking again. */
const FOLLOW_WAIT_MS = 25_000;

export const logsCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'keep printing new lines until Ctrl-C' })
      .option('service', { type: 'string', describe: `only this one: ${[...SERVICE_NAMES, 'supervisor'].join(', ')}` })
      .option('lines', { alias: 'n', ...integerOption('lines', 'how many recent lines to print first', 100, 0, MAX_LOG_LINES) })
      .option('json', { type: 'boolean', default: false, describe: 'print the NDJSON records as they are' })
      .example('$0 logs -n 20', 'the last 20 lines')
      .example('$0 logs -f --service hub', "follow the hub's lines")
      .epilogue('Exit codes: 0 done, 1 no stack running for this data dir, 2 bad usage.'),
  handler: async (args) => {
    const client = new ControlClient(commonConfigFrom(args).dataDir);
    const style = { colour: wantsColour(process.stdout), colours: logColours() };
    const print = (chunk: LogChunk): void => {
      if (chunk.missed > 0) process.stderr.write(`(${chunk.missed} line(s) left the supervisor's buffer before they could be read)\n`);
      for (const line of chunk.lines) process.stdout.write(`${args.json ? line : pretty(line, style)}\n`);
    };
    const service = args.service ?? '';
    let chunk = await client.call('log_tail', [args.lines, service]);
    print(chunk);
    if (!args.follow) return;
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    while (!stopped) {
      try {
        chunk = await client.call('log_follow', [chunk.next, service, FOLLOW_WAIT_MS], FOLLOW_WAIT_MS + 5000);
      } catch (error) {
        if (!(error instanceof ControlError)) throw error;
        // It answered before: the stack went away while we followed it, which is an end, not a failure.
        process.stderr.write('the stack has stopped\n');
        return;
      }
      print(chunk);
    }
  },
});

function pretty(line: string, style: PrettyStyle): string {
  const record = parseRecord(line);
  return record ? formatPretty(record, style) : line;
}
