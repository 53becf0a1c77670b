import type { Argv } from 'yargs';
import { commonConfigFrom } from '../../config/options.js';
import { type CommonFlags, subcommand } from '../command.js';

const fileArgument = (describe: string) => (yargs: Argv<CommonFlags>) =>
  yargs.positional('file', { type: 'string', describe, demandOption: true });

/** `thiscord rooms backup FILE`: a consistent copy of the room store, while the service runs or not. */
export const roomsBackupCommand = subcommand(
  'backup <file>',
  'write a consistent copy of the room store to FILE (the room service may keep running)',
  {
    builder: fileArgument('where to write the backup (mode 0600)'),
    handler: async (args) => {
      const { backup } = await import('./room-store-admin.js');
      backup(commonConfigFrom(args).dataDir, args.file);
    },
  },
);

/** `thiscord rooms restore FILE`: put a backup in place, the room service stopped. */
export const roomsRestoreCommand = subcommand(
  'restore <file>',
  'replace the room store with a backup (stop the room service first; the current files are kept aside)',
  {
    builder: fileArgument('a file written by `thiscord rooms backup`'),
    handler: async (args) => {
      const { restore } = await import('./room-store-admin.js');
      restore(commonConfigFrom(args).dataDir, args.file);
    },
  },
);
