import type { ArgumentsCamelCase, Argv } from 'yargs';
import { askSecret } from '../../clients/prompter.js';
import type { RoomsAdmin } from '../../clients/rooms/admin.js';
import { ttlSeconds } from '../../clients/rooms/room-access.js';
import { type CommonArgs, commonConfigFrom, withEnv } from '../../config/options.js';
import { isValidName, NAME_RULE } from '../../protocol/names.js';
import { ROOMS_FAULTS } from '../../protocol/rooms-api.js';
import { CliError } from '../cli-error.js';
import { type CommonFlags, defineCommand, subcommand } from '../command.js';
import { examples } from '../examples.js';
import { type PassphraseArgs, passphraseFrom, passphraseOptions } from '../passphrase.js';
import { roomsBackupCommand, roomsRestoreCommand } from './rooms-backup.js';
import { roomsFsckCommand } from './rooms-fsck.js';

/** The flags of `rooms` and of each of its actions. */
const roomsFlags = (yargs: Argv<CommonFlags>) =>
  yargs
    .options(withEnv({ user: { type: 'string', describe: 'who you are (also THISCORD_USER)' } }))
    .options(passphraseOptions)
    .option('private', { type: 'boolean', describe: 'create: a private room; asks for its passphrase unless one is given' })
    .option('ttl', { type: 'string', describe: 'create: a temporary room that expires after this long, e.g. 2h or 7d' })
    .option('topic', { type: 'string', describe: 'create: the room topic' })
    .option('unlisted', { type: 'boolean', describe: 'create: leave the room out of list_rooms' })
    .option('json', { type: 'boolean', default: false, describe: 'print the service answer as JSON' });
type RoomsFlags = ReturnType<typeof roomsFlags> extends Argv<infer Flags> ? Flags : never;

/** The client library (and the xmlrpc package under it) is loaded only when a rooms command runs. */
async function adminFor(args: CommonArgs): Promise<RoomsAdmin> {
  const [{ RoomsAdmin }, { RoomsClient }] = await Promise.all([
    import('../../clients/rooms/admin.js'),
    import('../../clients/rooms/rooms-client.js'),
  ]);
  const config = commonConfigFrom(args);
  const client = new RoomsClient({ host: config.host, port: config.roomsPort });
  return new RoomsAdmin(client, config.dataDir, (line) => process.stdout.write(`${line}\n`));
}

function requireUser(args: { user?: string | undefined }): string {
  if (!args.user) throw new CliError('say who you are with --user <name> (or THISCORD_USER)');
  if (!isValidName(args.user)) throw new CliError(`--user must be ${NAME_RULE}`);
  return args.user;
}

function requireName(value: string | undefined, what: string): string {
  if (!value || !isValidName(value)) throw new CliError(`${what} must be ${NAME_RULE}; got ${JSON.stringify(value ?? '')}`);
  return value;
}

/** create: the passphrase given, or asked for (hidden) when --private names none. */
async function newRoomPassphrase(name: string, args: PassphraseArgs & { private?: boolean | undefined }): Promise<string | undefined> {
  const given = passphraseFrom(args);
  return given ?? (args.private ? askSecret(`Passphrase for the new room ${name}: `) : undefined);
}

/** join: the passphrase given; on a terminal, asked for (hidden) when the room turns out to need one. */
async function joinAsking(admin: RoomsAdmin, name: string, user: string, args: PassphraseArgs & { json: boolean }): Promise<unknown> {
  const given = passphraseFrom(args);
  try {
    return await admin.join(name, user, given, args.json);
  } catch (error) {
    const { RoomsFault } = await import('../../clients/rooms/rooms-client.js');
    const needsOne = error instanceof RoomsFault && error.code === ROOMS_FAULTS.wrong_passphrase;
    if (!needsOne || given !== undefined || !process.stdin.isTTY) throw error;
    return admin.join(name, user, await askSecret(`Passphrase for ${name}: `), args.json);
  }
}

/** One action of `rooms`: its positionals (if any) on top of the rooms flags, and what it asks the room service. */
const action = <Args extends RoomsFlags>(
  command: string,
  describe: string,
  run: (admin: RoomsAdmin, args: ArgumentsCamelCase<Args>) => Promise<unknown>,
  builder: (yargs: Argv<RoomsFlags>) => Argv<Args>,
) =>
  subcommand(command, describe, {
    builder,
    handler: async (args) => {
      await run(await adminFor(args), args);
    },
  });

const noPositionals = (yargs: Argv<RoomsFlags>) => yargs;
const roomName = (yargs: Argv<RoomsFlags>) => yargs.positional('name', { type: 'string', describe: 'room name' });
const roomAndTarget = (yargs: Argv<RoomsFlags>) => roomName(yargs).positional('target', { type: 'string', describe: 'user to kick' });

export const roomsCommand = defineCommand({
  builder: (yargs) =>
    roomsFlags(yargs)
      .command(action('list', 'list the rooms', (admin, a) => admin.list(a.json), noPositionals))
      .command(
        action(
          'create <name>',
          'create a room you own (and join it)',
          async (admin, a) => {
            const name = requireName(a.name, 'the room name');
            const options = {
              passphrase: await newRoomPassphrase(name, a),
              ttl_seconds: ttlSeconds(a.ttl),
              topic: a.topic,
              unlisted: a.unlisted,
            };
            return admin.create(name, requireUser(a), options, a.json);
          },
          roomName,
        ),
      )
      .command(
        action(
          'join <name>',
          'join a room and keep the ticket for chat',
          (admin, a) => joinAsking(admin, requireName(a.name, 'the room name'), requireUser(a), a),
          roomName,
        ),
      )
      .command(
        action(
          'info <name>',
          'describe a room',
          (admin, a) => admin.info(requireName(a.name, 'the room name'), a.user === undefined ? undefined : requireUser(a), a.json),
          roomName,
        ),
      )
      .command(
        action(
          'leave <name>',
          'leave a room',
          (admin, a) => admin.leave(requireName(a.name, 'the room name'), requireUser(a), a.json),
          roomName,
        ),
      )
      .command(
        action(
          'delete <name>',
          'delete a room you own',
          (admin, a) => admin.delete(requireName(a.name, 'the room name'), requireUser(a), a.json),
          roomName,
        ),
      )
      .command(
        action(
          'kick <name> <target>',
          'remove a user from a room you own, for good',
          (admin, a) => admin.kick(requireName(a.name, 'the room name'), requireUser(a), requireName(a.target, 'the user to kick'), a.json),
          roomAndTarget,
        ),
      )
      .command(roomsFsckCommand)
      .command(roomsBackupCommand)
      .command(roomsRestoreCommand)
      .epilogue(
        examples([
          ['a private group for a week (asks for its passphrase)', 'thiscord rooms create study-group --user alice --ttl 7d --private'],
          ['join it (asks for the passphrase; or --passphrase-file, THISCORD_PASSPHRASE)', 'thiscord rooms join study-group --user bob'],
          ['the interactive flow', 'thiscord rooms'],
        ]),
      ),
  handler: async (args) => {
    const admin = await adminFor(args);
    const { interactiveAdmin } = await import('../../clients/rooms/admin.js');
    await interactiveAdmin(admin, { user: args.user, passphrase: passphraseFrom(args) });
  },
});
