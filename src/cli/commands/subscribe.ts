import { formatEvent } from '../../clients/events/format-event.js';
import { routineFilter } from '../../clients/events/routine-events.js';
import { brokerPubEndpoint, commonConfigFrom, integerOption } from '../../config/options.js';
import { defineCommand } from '../command.js';
import { examples } from '../examples.js';

/** How long without a broker before the subscriber says it cannot reach one (it keeps trying). */
const UNREACHABLE_AFTER_MS = 2000;

export const subscribeCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .positional('prefix', { type: 'string', array: true, default: [], describe: 'topic prefixes to subscribe to' })
      .option('json', { type: 'boolean', default: false, describe: 'print one NDJSON object {"topic", "payload"} per event' })
      .option('all', {
        type: 'boolean',
        default: false,
        describe: 'also show health probes and broker stats (hidden unless a prefix names system/health or system/broker)',
      })
      .option('count', integerOption('count', 'exit after this many events (0 = run until Ctrl-C)', 0, 0, Number.MAX_SAFE_INTEGER))
      .epilogue(
        examples([
          ['room and login activity', 'thiscord subscribe room/ user/'],
          ['machine-readable', 'thiscord subscribe --json | jq .payload.type'],
          ['everything, health probes and broker stats included', 'thiscord subscribe --all'],
        ]),
      ),
  handler: async (args) => {
    const config = commonConfigFrom(args);
    const endpoint = brokerPubEndpoint(config);
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const shown = routineFilter(args.prefix, args.all);
    const say = (line: string): boolean => process.stderr.write(`${line}\n`);
    let connectedOnce = false;
    const unreachable = setTimeout(
      () => say(`cannot reach the broker at ${endpoint}; still trying (is the stack running? npm run up)`),
      UNREACHABLE_AFTER_MS,
    );
    let seen = 0;
    // ZeroMQ is loaded only when subscribe runs: every other command starts without it.
    const { subscribe } = await import('../../events/subscribe.js');
    const connected = (): void => {
      clearTimeout(unreachable);
      say(`${connectedOnce ? 'connected again' : 'connected'} to ${endpoint}, waiting for events`);
      connectedOnce = true;
    };
    try {
      await subscribe({
        endpoint,
        prefixes: args.prefix,
        signal: controller.signal,
        onConnect: connected,
        onDisconnect: () => {
          if (!controller.signal.aborted) say(`lost the broker at ${endpoint}, retrying`);
        },
        onEvent: (event) => {
          if (!shown(event)) return true;
          process.stdout.write(`${args.json ? JSON.stringify(event) : formatEvent(event)}\n`);
          seen++;
          return args.count === 0 || seen < args.count;
        },
      });
    } finally {
      clearTimeout(unreachable);
    }
  },
});
