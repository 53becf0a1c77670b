import type { CommandModule } from 'yargs';
import { type CommonArgs, commonConfigFrom } from '../../config/options.js';
import { describeProblem } from '../../storage/store-damaged.js';
import { readStoreFilesConsistently } from '../../storage/store-reader.js';
import { repairStore } from '../../storage/store-repair.js';
import { scanStore } from '../../storage/store-scan.js';
import { CliError } from '../cli-error.js';
import { describeRoomChange, type RoomStoreScan, roomCount, storeExtent } from './room-store-summary.js';

interface FsckArgs extends CommonArgs {
  repair: boolean;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** `thiscord rooms fsck [--repair]`: check the room store as start-up does; on request, rebuild it from what checks out. */
export const roomsFsckCommand: CommandModule<object, FsckArgs> = {
  command: 'fsck',
  describe: 'check the room store in the data dir (as the room service does at start-up); --repair rebuilds a damaged one',
  builder: (yargs) =>
    yargs.option('repair', {
      type: 'boolean',
      default: false,
      describe: 'stop-the-service repair: keep a copy of the original files, rebuild from everything that checks out, list what is lost',
    }) as never,
  handler: async (args) => {
    const { dataDir } = commonConfigFrom(args);
    const scan: RoomStoreScan = scanStore(readStoreFilesConsistently(dataDir));
    say(`room store in ${dataDir}: ${storeExtent(scan)}`);
    if (scan.tornTailBytes > 0) say(`an incomplete last record (${scan.tornTailBytes} bytes, never acknowledged) is cut at the next start`);
    if (scan.problems.length === 0) {
      say(`whole: the room service starts on it with ${roomCount(scan)} room(s)`);
      return;
    }
    say(`damaged: ${scan.problems.length} problem(s); the room service refuses to start on it`);
    for (const problem of scan.problems) say(`  ${describeProblem(dataDir, problem)}`);
    if (!args.repair) {
      throw new CliError(
        `restore a backup (\`thiscord rooms restore FILE\`), or run \`thiscord rooms fsck --repair --data-dir ${dataDir}\` with the room service stopped`,
      );
    }
    let repaired: ReturnType<typeof repairStore>;
    try {
      repaired = repairStore(dataDir, describeRoomChange);
    } catch (error) {
      throw new CliError(`could not repair: ${(error as Error).message}`);
    }
    say(`repaired; the original files are in ${repaired.copy}`);
    say(`lost (${repaired.lost.length}):`);
    for (const loss of repaired.lost) say(`  ${loss}`);
    const after = repaired.scan as RoomStoreScan;
    say(`the room service now starts with ${roomCount(after)} room(s): ${storeExtent(after)}`);
  },
};
