#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failWithSentence } from '../config/fail-with-sentence.js';
import { commonOptions } from '../config/options.js';
import { chatCommand } from './commands/chat.js';
import { downCommand } from './commands/down.js';
import { logsCommand } from './commands/logs.js';
import { publishCommand } from './commands/publish.js';
import { roomsCommand } from './commands/rooms.js';
import { serveCommand } from './commands/serve.js';
import { restartCommand, startCommand, stopCommand } from './commands/service-verbs.js';
import { statusCommand } from './commands/status.js';
import { subscribeCommand } from './commands/subscribe.js';
import { upCommand } from './commands/up.js';
import { examples } from './examples.js';
import { packageVersion } from './package-version.js';

const cli = yargs(hideBin(process.argv))
  .scriptName('thiscord')
  .usage(
    '$0 <command> [options]\n\nA small, self-hostable chat system. Every flag can also be set as THISCORD_<FLAG>, e.g. THISCORD_HUB_PORT.',
  )
  .options(commonOptions())
  .command(upCommand as never)
  .command(downCommand as never)
  .command(statusCommand as never)
  .command(restartCommand as never)
  .command(stopCommand as never)
  .command(startCommand as never)
  .command(logsCommand as never)
  .command(serveCommand())
  .command(subscribeCommand as never)
  .command(publishCommand as never)
  .command(roomsCommand as never)
  .command(chatCommand as never)
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
  .version(packageVersion())
  .wrap(Math.min(110, process.stdout.columns || 80))
  .fail(failWithSentence('thiscord', { flags: () => Object.keys(cli.getOptions().key) }));

await cli.parseAsync();
