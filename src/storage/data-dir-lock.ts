import { mkdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../runtime/startup-error.js';
import { ifPresent } from './if-present.js';

export const LOCK_FILE = 'rooms.lock';
const TAKEOVER_FILE = 'rooms.lock.takeover';

/** Who holds a lock: enough to tell a live holder from a dead one whose pid was reused. */
export interface LockHolder {
  pid: number;
  /** Wall-clock start of the holder, for people. */
  since: number;
  /** The holder's start in clock ticks after boot (Linux), for telling a reused pid apart. */
  ticks: number | undefined;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/**
 * Takes the room store's lock in `dataDir`, so that one process at a time writes it.
 *
 * The lock is a symbolic link whose target text is the holder (`pid:123 since:… ticks:…`):
 * creating it is atomic and fails if it exists, and it needs no free space (the text lives in the
 * inode), so a full disk does not stop a start. A lock whose holder is gone (no such pid, or a pid
 * now used by a process that started later) is stale. Only the one process that managed to create
 * `rooms.lock.takeover` may remove a stale lock, so two processes starting together never both
 * remove one and each take the data dir. The lock is released on `release()` and at process exit.
 */
export function lockDataDir(dataDir: string, what: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const mine = formatHolder(currentHolder());
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      symlinkSync(mine, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const found = readLock(file);
      if (found === undefined) continue; // released meanwhile: try again
      const holder = parseHolder(found);
      if (holder && isAlive(holder)) throw heldBy(dataDir, holder, what);
      removeStaleLock(dataDir, file, found, mine);
      continue;
    }
    const release = (): void => {
      if (readLock(file) === mine) unlinkSync(file);
      process.removeListener('exit', release);
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new StartupError(`could not take the lock ${file}: other processes keep taking it; try again`, 'lock_contended');
}

function removeStaleLock(dataDir: string, file: string, stale: string, mine: string): void {
  const takeover = path.join(dataDir, TAKEOVER_FILE);
  try {
    symlinkSync(mine, takeover);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const other = parseHolder(readLock(takeover) ?? '');
    if (other && isAlive(other)) {
      throw new StartupError(
        `another process (pid ${other.pid}) is taking over the stale lock ${file} right now; try again in a moment`,
        'lock_contended',
      );
    }
    throw new StartupError(
      `${takeover} was left by a process that died while taking over a stale lock; remove that file and start again`,
      'lock_contended',
    );
  }
  try {
    // Only the takeover holder removes a lock, so the stale one is still there unchanged.
    if (readLock(file) === stale) unlinkSync(file);
  } finally {
    unlinkSync(takeover);
  }
}

function heldBy(dataDir: string, holder: LockHolder, what: string): StartupError {
  return new StartupError(
    `the data dir ${dataDir} is in use by another process (pid ${holder.pid}, running since ${new Date(holder.since).toISOString()}), ` +
      `so ${what} cannot use it; stop that one first (\`kill ${holder.pid}\`, or Ctrl-C the \`npm run up\` that runs it), or pass another --data-dir`,
    'data_dir_locked',
  );
}

const readLock = (file: string): string | undefined => ifPresent(() => readlinkSync(file));

export function formatHolder(holder: LockHolder): string {
  return `pid:${holder.pid} since:${holder.since}${holder.ticks === undefined ? '' : ` ticks:${holder.ticks}`}`;
}

export function parseHolder(text: string): LockHolder | undefined {
  const match = /^pid:(\d+) since:(\d+)(?: ticks:(\d+))?$/.exec(text);
  if (!match) return undefined;
  return { pid: Number(match[1]), since: Number(match[2]), ticks: match[3] === undefined ? undefined : Number(match[3]) };
}

/** State and start time (clock ticks after boot) of a process, from /proc on Linux; undefined elsewhere or when it is gone. */
function processStat(pid: number | 'self'): { state: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after it do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ticks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

let self: LockHolder | undefined;

export function currentHolder(): LockHolder {
  self ??= { pid: process.pid, since: Math.round(Date.now() - process.uptime() * 1000), ticks: processStat('self')?.ticks };
  return self;
}

export function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.ticks === undefined) return true;
  const stat = processStat(holder.pid);
  if (stat === undefined) return process.platform !== 'linux';
  return stat.state !== 'Z' && stat.state !== 'X' && stat.ticks === holder.ticks;
}
