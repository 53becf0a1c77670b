import { commonConfigFrom, withEnv } from '../../config/options.js';
import { isValidName, NAME_RULE } from '../../protocol/names.js';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { examples } from '../examples.js';
import { passphraseFrom, passphraseOptions } from '../passphrase.js';

export const chatCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .options(withEnv({ user: { type: 'string', describe: 'who you are (also THISCORD_USER)' } }))
      .option('room', { type: 'string', describe: 'room to join first' })
      .option('create', { type: 'boolean', default: false, describe: 'create the room (you own it) instead of joining it' })
      .option('private', { type: 'boolean', default: false, describe: 'with --create: a private room; asks for its passphrase' })
      .options(passphraseOptions)
      .epilogue(
        examples([
          ['join a room (asks for its passphrase if it has one)', 'thiscord chat --user alice --room study-group'],
          ['create a private room and chat in it', 'thiscord chat --user alice --room study-group --create --private'],
          ['ask for everything, like the seed client', 'thiscord chat'],
        ]),
      ),
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
      private: args.private,
      passphrase: passphraseFrom(args),
    }).run();
    process.exit(0);
  },
});
