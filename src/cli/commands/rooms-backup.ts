import type { CommandModule } from 'yargs';
import { type CommonArgs, commonConfigFrom } from '../../config/options.js';
import { restoreBackup, writeBackup } from '../../storage/store-backup.js';
import { CliError } from '../cli-error.js';
import { type RoomStoreScan, roomCount, storeExtent } from './room-store-summary.js';

interface FileArgs extends CommonArgs {
  file?: string;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function attempt<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
}

const fileArgument = (describe: string) => (yargs: import('yargs').Argv) =>
  yargs.positional('file', { type: 'string', describe, demandOption: true });

/** `thiscord rooms backup FILE`: a consistent copy of the room store, while the service runs or not. */
export const roomsBackupCommand: CommandModule<object, FileArgs> = {
  command: 'backup <file>',
  describe: 'write a consistent copy of the room store to FILE (the room service may keep running)',
  builder: fileArgument('where to write the backup (mode 0600)') as never,
  handler: async (args) => {
    const { dataDir } = commonConfigFrom(args);
    const backup = attempt('no backup written', () => writeBackup(dataDir, args.file!));
    const scan = backup.scan as RoomStoreScan;
    say(`backed up ${roomCount(scan)} room(s) (${storeExtent(scan)}) from ${dataDir} to ${args.file}`);
  },
};

/** `thiscord rooms restore FILE`: put a backup in place, the room service stopped. */
export const roomsRestoreCommand: CommandModule<object, FileArgs> = {
  command: 'restore <file>',
  describe: 'replace the room store with a backup (stop the room service first; the current files are kept aside)',
  builder: fileArgument('a file written by `thiscord rooms backup`') as never,
  handler: async (args) => {
    const { dataDir } = commonConfigFrom(args);
    const restored = attempt('nothing restored', () => restoreBackup(dataDir, args.file!));
    const scan = restored.scan as RoomStoreScan;
    say(`restored ${roomCount(scan)} room(s) (${storeExtent(scan)}) from ${args.file}, made ${restored.created}, into ${dataDir}`);
    say(`the files it replaced are in ${restored.copy}; tickets issued by another data dir's secret need a fresh join`);
  },
};
