import { restoreBackup, writeBackup } from '../../storage/store-backup.js';
import { describeProblem } from '../../storage/store-damaged.js';
import { readStoreFilesConsistently } from '../../storage/store-reader.js';
import { repairStore } from '../../storage/store-repair.js';
import { scanStore } from '../../storage/store-scan.js';
import { CliError } from '../cli-error.js';
import { describeRoomChange, type RoomStoreScan, roomCount, storeExtent } from './room-store-summary.js';

/** What `thiscord rooms fsck`, `backup` and `restore` do; loaded only when one of them runs. */
const say = (line: string): void => void process.stdout.write(`${line}\n`);

function attempt<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
}

export function fsck(dataDir: string, repair: boolean): void {
  const scan: RoomStoreScan = scanStore(readStoreFilesConsistently(dataDir));
  say(`room store in ${dataDir}: ${storeExtent(scan)}`);
  if (scan.tornTailBytes > 0) say(`an incomplete last record (${scan.tornTailBytes} bytes, never acknowledged) is cut at the next start`);
  if (scan.problems.length === 0) {
    say(`whole: the room service starts on it with ${roomCount(scan)} room(s)`);
    return;
  }
  say(`damaged: ${scan.problems.length} problem(s); the room service refuses to start on it`);
  for (const problem of scan.problems) say(`  ${describeProblem(dataDir, problem)}`);
  if (!repair) {
    throw new CliError(
      `restore a backup (\`thiscord rooms restore FILE\`), or run \`thiscord rooms fsck --repair --data-dir ${dataDir}\` with the room service stopped`,
    );
  }
  const repaired = attempt('could not repair', () => repairStore(dataDir, describeRoomChange));
  say(`repaired; the original files are in ${repaired.copy}`);
  say(`lost (${repaired.lost.length}):`);
  for (const loss of repaired.lost) say(`  ${loss}`);
  const after = repaired.scan as RoomStoreScan;
  say(`the room service now starts with ${roomCount(after)} room(s): ${storeExtent(after)}`);
}

export function backup(dataDir: string, file: string): void {
  const written = attempt('no backup written', () => writeBackup(dataDir, file));
  const scan = written.scan as RoomStoreScan;
  say(`backed up ${roomCount(scan)} room(s) (${storeExtent(scan)}) from ${dataDir} to ${file}`);
}

export function restore(dataDir: string, file: string): void {
  const restored = attempt('nothing restored', () => restoreBackup(dataDir, file));
  const scan = restored.scan as RoomStoreScan;
  say(`restored ${roomCount(scan)} room(s) (${storeExtent(scan)}) from ${file}, made ${restored.created}, into ${dataDir}`);
  say(`the files it replaced are in ${restored.copy}; tickets issued by another data dir's secret need a fresh join`);
}
