import type { CommandModule } from 'yargs';
import { formatEvent } from '../../clients/events/format-event.js';
import { brokerPubEndpoint, type CommonArgs, commonConfigFrom, integerOption } from '../../config/options.js';

interface SubscribeArgs extends CommonArgs {
  prefix: string[];
  json: boolean;
  count: number;
}

export const subscribeCommand: CommandModule<object, SubscribeArgs> = {
  command: 'subscribe [prefix..]',
  describe: 'print events from the broker, filtered by topic prefix (room/, user/, system/; none = all)',
  builder: (yargs) =>
    yargs
      .positional('prefix', { type: 'string', array: true, default: [], describe: 'topic prefixes to subscribe to' })
      .option('json', { type: 'boolean', default: false, describe: 'print one NDJSON object {"topic", "payload"} per event' })
      .option('count', integerOption('count', 'exit after this many events (0 = run until Ctrl-C)', 0, 0, Number.MAX_SAFE_INTEGER))
      .example('$0 subscribe room/ user/', 'room and login activity')
      .example('$0 subscribe --json | jq .payload.type', 'machine-readable') as never,
  handler: async (args) => {
    const config = commonConfigFrom(args);
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let seen = 0;
    // ZeroMQ is loaded only when subscribe runs: every other command starts without it.
    const { subscribe } = await import('../../events/subscribe.js');
    await subscribe({
      endpoint: brokerPubEndpoint(config),
      prefixes: args.prefix,
      signal: controller.signal,
      onEvent: (event) => {
        process.stdout.write(`${args.json ? JSON.stringify(event) : formatEvent(event)}\n`);
        seen++;
        return args.count === 0 || seen < args.count;
      },
    });
  },
};
