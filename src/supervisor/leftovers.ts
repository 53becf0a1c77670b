import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger.js';
import { serviceEntry } from '../stack/entry-points.js';
import { writeFileAtomic } from '../storage/write-file-atomic.js';
import type { ChildState } from './child-state.js';
import type { SupervisedChild } from './supervised-child.js';
import type { SupervisorWatcher } from './supervisor.js';

/** A process as it can be recognised later: its pid and when it started (pids are reused). */
interface ProcessMark {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot at which it started. */
  started: number;
}

type StackRecordFile = { supervisor: ProcessMark; services: Partial<Record<string, ProcessMark>> };

export function stackRecordPath(dataDir: string): string {
  return path.join(dataDir, 'run', 'stack.json');
}

function startedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const started = Number(fields[19]);
    return Number.isFinite(started) ? started : undefined;
  } catch {
    return undefined;
  }
}

/** The same process as the mark (not a later one that got its pid), running that service's entry point. */
function isOurs(mark: ProcessMark, service: string): boolean {
  if (startedAt(mark.pid) !== mark.started) return false;
  try {
    const argv = readFileSync(`/proc/${mark.pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(serviceEntry(service));
  } catch {
    return false;
  }
}

/**
 * Remembers which processes this stack runs, in `<data dir>/run/stack.json`, rewritten at every
 * child transition. Children stop by themselves when their supervisor's IPC channel closes — unless
 * they cannot run at all (SIGSTOP), and then a killed supervisor leaves one holding its port. The
 * next `up` on the data dir ends such leftovers, once it has checked each is the very process
 * recorded (pid, start time and entry point), never another that got its pid.
 */
export class StackRecord implements SupervisorWatcher {
  private readonly file: string;
  /** What the file holds now: a transition that changes no pid (most do not) writes nothing. */
  private written = '';
  private scheduled = false;
  private removed = false;

  constructor(
    dataDir: string,
    private readonly children: () => readonly SupervisedChild[],
    private readonly logger: Logger,
  ) {
    this.file = stackRecordPath(dataDir);
  }

  /**
   * Rewritten once per turn of the event loop at most (a cold start moves every child at once), and
   * not synced to the disk: after the machine restarts no process of the record is left to end, while
   * a sync on every transition cost the supervisor tens of milliseconds of a cold start.
   */
  transition(_child: SupervisedChild, _to: ChildState): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.removed) this.write();
    });
  }

  private write(): void {
    const services: StackRecordFile['services'] = {};
    for (const child of this.children()) {
      const pid = child.pid;
      const started = pid === undefined ? undefined : startedAt(pid);
      if (pid !== undefined && started !== undefined) services[child.name] = { pid, started };
    }
    const record: StackRecordFile = { supervisor: { pid: process.pid, started: startedAt(process.pid) ?? 0 }, services };
    const text = `${JSON.stringify(record)}\n`;
    if (text === this.written) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileAtomic(this.file, text, 0o600, { durable: false });
      this.written = text;
    } catch (error) {
      this.logger.warn({ err: error, file: this.file }, 'could not record the stack’s processes; a later up may not find leftovers');
    }
  }

  message(): void {}

  /** After a clean stop nothing is left to end. */
  remove(): void {
    this.removed = true;
    rmSync(this.file, { force: true });
  }
}

/**
 * Ends what an earlier stack on this data dir left running (the caller has made sure no supervisor
 * answers on it). Returns what it ended, for the caller to say.
 */
export async function endLeftovers(dataDir: string, logger: Logger): Promise<Array<{ service: string; pid: number }>> {
  let record: StackRecordFile;
  try {
    record = JSON.parse(readFileSync(stackRecordPath(dataDir), 'utf8')) as StackRecordFile;
  } catch {
    return [];
  }
  const ended: Array<{ service: string; pid: number }> = [];
  for (const [service, mark] of Object.entries(record.services ?? {})) {
    if (!mark || !Number.isSafeInteger(mark.pid) || !isOurs(mark, service)) continue;
    try {
      // SIGKILL ends a stopped process too; SIGTERM would wait for it to be continued.
      process.kill(mark.pid, 'SIGKILL');
    } catch {
      continue;
    }
    for (let i = 0; i < 200 && startedAt(mark.pid) === mark.started; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    ended.push({ service, pid: mark.pid });
    logger.warn({ leftover: service, pid: mark.pid }, `ended a leftover ${service} (pid ${mark.pid}) of an earlier stack on this data dir`);
  }
  rmSync(stackRecordPath(dataDir), { force: true });
  return ended;
}
