import { afterAll, describe, expect, it } from 'vitest';
import { makeStackEnv, type StackEnv } from '../../helpers/processes.js';
import { isAlive, RunningStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
const stopped: number[] = [];
afterAll(() => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  stack?.cleanup();
});

describe('leftovers of an earlier stack', () => {
  it('ends a stopped service that outlived its killed supervisor, says so, and starts cleanly on the same data dir', async () => {
    stack = await makeStackEnv();
    const first = await RunningStack.up(stack);
    const hub = first.pids().hub!;
    process.kill(hub, 'SIGSTOP');
    stopped.push(hub);
    first.proc.kill('SIGKILL');
    await first.proc.exited;
    // The others stop by themselves once their supervisor is gone; a stopped process cannot.
    await waitFor('the other services to stop', () => ['broker', 'rooms'].every((name) => !isAlive(first.pids()[name]!)), {
      timeoutMs: 10_000,
    });
    expect(isAlive(hub)).toBe(true);

    const second = await RunningStack.up(stack);
    try {
      expect(isAlive(hub)).toBe(false);
      expect(
        second.proc.lines.some((line) => line.leftover === 'hub' && line.pid === hub && /ended a leftover hub/.test(String(line.msg))),
      ).toBe(true);
      expect(second.pids().hub).not.toBe(hub);
    } finally {
      second.proc.kill('SIGTERM');
      await second.proc.exited;
    }
  });
});
