import type { CommandModule } from 'yargs';
import { type CommonArgs, commonConfigFrom, withEnv } from '../../config/options.js';
import { isValidName, NAME_RULE } from '../../protocol/names.js';
import { CliError } from '../cli-error.js';

interface ChatArgs extends CommonArgs {
  user?: string;
  room?: string;
  create: boolean;
  passphrase?: string;
}

export const chatCommand: CommandModule<object, ChatArgs> = {
  command: 'chat',
  describe: 'chat in rooms through the hub (asks for user and room when not given)',
  builder: (yargs) =>
    yargs
      .options(withEnv({ user: { type: 'string', describe: 'who you are (also THISCORD_USER)' } }))
      .option('room', { type: 'string', describe: 'room to join first' })
      .option('create', { type: 'boolean', default: false, describe: 'create the room instead of joining it' })
      .option('passphrase', { type: 'string', describe: 'passphrase of a private room (with --create: makes it private)' })
      .example('$0 chat --user alice --room study-group', '')
      .example('$0 chat', 'asks for everything, like the seed client') as never,
  handler: async (args) => {
    for (const [flag, value] of [
      ['--user', args.user],
      ['--room', args.room],
    ] as const) {
      if (value !== undefined && !isValidName(value)) throw new CliError(`${flag} must be ${NAME_RULE}`);
    }
    // Loaded only when chat runs: every other command starts without the client and its libraries.
    const { ChatSession } = await import('../../clients/chat/chat-session.js');
    await new ChatSession(commonConfigFrom(args), {
      user: args.user,
      room: args.room,
      create: args.create,
      passphrase: args.passphrase,
    }).run();
    process.exit(0);
  },
};
