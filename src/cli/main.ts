#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failWithSentence } from '../config/fail-with-sentence.js';
import { commonOptions } from '../config/options.js';
import { PACKAGE_VERSION } from '../stack/entry-points.js';
import { lazyCommand } from './command.js';
import { examples } from './examples.js';

const fail = failWithSentence('thiscord', { flags: () => Object.keys(cli.getOptions().key) });
const cli = yargs(hideBin(process.argv))
  .scriptName('thiscord')
  .usage(
    '$0 <command> [options]\n\nA small, self-hostable chat system. Every flag can also be set as THISCORD_<FLAG>, e.g. THISCORD_HUB_PORT.',
  )
  .options(commonOptions())
  .command(
    lazyCommand(
      'up',
      'start every service under one supervisor (Ctrl-C stops them; --detach runs it in the background)',
      async () => (await import('./commands/up.js')).upCommand,
    ),
  )
  .command(
    lazyCommand(
      'down',
      'stop the stack running on this data dir (detached or in another terminal), and wait until it has stopped',
      async () => (await import('./commands/down.js')).downCommand,
    ),
  )
  .command(
    lazyCommand(
      'status',
      'show what the running stack is doing: each service, its pid, uptime, restarts, last exit, and live figures',
      async () => (await import('./commands/status.js')).statusCommand,
    ),
  )
  .command(
    lazyCommand(
      'restart <service>',
      'restart one service of the running stack (or all) gracefully; the others keep running, chat clients reconnect',
      async () => (await import('./commands/service-verbs.js')).restartCommand,
    ),
  )
  .command(
    lazyCommand(
      'stop <service>',
      'stop one service of the running stack (or all) until "start"; the others keep running',
      async () => (await import('./commands/service-verbs.js')).stopCommand,
    ),
  )
  .command(
    lazyCommand(
      'start <service>',
      'start a stopped or FATAL service of the running stack (or all)',
      async () => (await import('./commands/service-verbs.js')).startCommand,
    ),
  )
  .command(
    lazyCommand(
      'logs',
      "print the running stack's recent log (from the supervisor's memory), and follow it with -f",
      async () => (await import('./commands/logs.js')).logsCommand,
    ),
  )
  .command(
    lazyCommand('serve <service>', 'run one service alone in the foreground (the supervisor runs all of them: see "up")', async () =>
      (await import('./commands/serve.js')).serveCommand(),
    ),
  )
  .command(
    lazyCommand(
      'subscribe [prefix..]',
      'print events from the broker, filtered by topic prefix (room/, user/, system/; none = all)',
      async () => (await import('./commands/subscribe.js')).subscribeCommand,
    ),
  )
  .command(
    lazyCommand(
      'publish <topic> [text]',
      'send one event to the broker and exit once it is handed over',
      async () => (await import('./commands/publish.js')).publishCommand,
    ),
  )
  .command(
    lazyCommand(
      'rooms',
      'manage rooms: list, create, join, info, leave, delete, kick (no action: ask interactively)',
      async () => (await import('./commands/rooms.js')).roomsCommand,
    ),
  )
  .command(
    lazyCommand(
      'chat',
      'chat in rooms through the hub (asks for user and room when not given)',
      async () => (await import('./commands/chat.js')).chatCommand,
    ),
  )
  .epilogue(
    examples([
      ['start the stack (Ctrl-C stops it)', 'thiscord up'],
      ['create a private room, then chat in it', 'thiscord rooms create study-group --user alice --private'],
      ['', 'thiscord chat --user alice --room study-group'],
      ['watch what happens', 'thiscord subscribe room/ user/ system/'],
    ]),
  )
  .demandCommand(1, 'name a command; see --help')
  .recommendCommands()
  .strict()
  .help()
  .alias('h', 'help')
  .version(PACKAGE_VERSION)
  .wrap(Math.min(110, process.stdout.columns || 80))
  .fail(fail);

// A flag's parser that refuses a value of a command loaded on demand throws after its (async) builder,
// where yargs rejects instead of calling .fail as it does for every other bad command line.
await cli.parseAsync().catch((error: unknown) => {
  if (error instanceof Error && error.name === 'YError') fail(error.message, error);
  throw error;
});
