import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentHolder, formatHolder, lockDataDir } from '../../../src/storage/data-dir-lock.js';

const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'thiscord-lock-'));

/** The pid of a process that has exited (and been reaped), so it names nobody alive. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
}

describe('data dir lock', () => {
  it('holds the pid and start time of its holder, and goes on release', () => {
    const where = dir();
    const lock = lockDataDir(where, 'this test');
    expect(readlinkSync(lock.file)).toBe(formatHolder(currentHolder()));
    expect(readlinkSync(lock.file)).toMatch(new RegExp(`^pid:${process.pid} since:\\d+`));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses a second holder, naming the first one and how to stop it', async () => {
    const where = dir();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      // The other process's own /proc start time, as it would have written it.
      const stat = (await import('node:fs')).readFileSync(`/proc/${other.pid}/stat`, 'utf8');
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      symlinkSync(formatHolder({ pid: other.pid!, since: Date.now(), ticks }), path.join(where, 'rooms.lock'));
      expect(() => lockDataDir(where, 'this room service')).toThrow(
        new RegExp(
          `in use by another process \\(pid ${other.pid}, running since .*\\), so this room service cannot use it; stop that one first \\(\`kill ${other.pid}\``,
        ),
      );
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock whose holder is gone', () => {
    const where = dir();
    symlinkSync(formatHolder({ pid: deadPid(), since: Date.now(), ticks: 1 }), path.join(where, 'rooms.lock'));
    const lock = lockDataDir(where, 'this test');
    expect(readlinkSync(lock.file)).toBe(formatHolder(currentHolder()));
    expect(existsSync(path.join(where, 'rooms.lock.takeover'))).toBe(false);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to a process that started later', () => {
    const where = dir();
    const me = currentHolder();
    symlinkSync(formatHolder({ ...me, ticks: (me.ticks ?? 0) - 1 }), path.join(where, 'rooms.lock'));
    const lock = lockDataDir(where, 'this test');
    expect(readlinkSync(lock.file)).toBe(formatHolder(me));
    lock.release();
  });

  it('leaves a stale lock to the one process already taking it over', () => {
    const where = dir();
    symlinkSync(formatHolder({ pid: deadPid(), since: Date.now(), ticks: 1 }), path.join(where, 'rooms.lock'));
    symlinkSync(formatHolder(currentHolder()), path.join(where, 'rooms.lock.takeover'));
    expect(() => lockDataDir(where, 'this test')).toThrow(/is taking over the stale lock .* right now; try again in a moment/);
  });
});
