import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, makeStackEnv, runCli, type StackEnv, startProcess, startService } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('broker', stack, ['--stats-interval', '0']);
});

afterAll(() => stack.cleanup());

/** Publishes with the CLI until the subscriber shows it: a fresh SUB may miss the first events (slow joiner). */
async function publishUntilSeen(args: string[], seen: () => boolean): Promise<void> {
  await waitFor(
    'the subscriber to print the event',
    async () => {
      const result = await runCli(['publish', ...args], stack.env);
      expect(result.exitCode, result.stderr).toBe(0);
      return seen();
    },
    { timeoutMs: 15_000, intervalMs: 0 },
  );
}

describe('thiscord publish and subscribe', () => {
  it('round-trips the seed demo: publish room/general "hello group" reaches subscribe --json room/', async () => {
    const sub = startProcess('subscribe', CLI, ['subscribe', '--json', '--count', '1', 'room/'], stack.env);
    await publishUntilSeen(['room/general', 'hello group'], () => sub.lines.length > 0);
    expect((await sub.waitForExit()).code).toBe(0);
    const line = sub.lines[0]!;
    expect(line.topic).toBe('room/general');
    expect(line.payload).toMatchObject({ type: 'note', text: 'hello group', source: 'cli' });
    expect(typeof (line.payload as { ts: string }).ts).toBe('string');
  });

  it('sends an arbitrary JSON payload with --json and prints readable lines by default', async () => {
    const sub = startProcess('subscribe', CLI, ['subscribe', '--count', '1', 'system/'], stack.env);
    await publishUntilSeen(['system/test', '--json', '{"type":"custom.check","n":7,"who":"ops team"}'], () => sub.lines.length > 0);
    expect((await sub.waitForExit()).code).toBe(0);
    expect(sub.lines[0]!.raw).toMatch(/^\d\d:\d\d:\d\d\.\d{3} system\/test custom\.check n=7 who="ops team"$/);
  });

  it('filters by prefix: a user/ subscriber does not see room/ events', async () => {
    const sub = startProcess('subscribe', CLI, ['subscribe', '--json', 'user/'], stack.env);
    await publishUntilSeen(['user/alice', 'first'], () => sub.lines.length > 0);
    // The subscription is live now, so this room event reaches the SUB socket and must be filtered out.
    expect((await runCli(['publish', 'room/general', 'not for you'], stack.env)).exitCode).toBe(0);
    expect((await runCli(['publish', 'user/bob', 'second'], stack.env)).exitCode).toBe(0);
    await sub.waitForLine('user/bob', (line) => line.topic === 'user/bob');
    sub.kill('SIGINT');
    expect((await sub.waitForExit()).code).toBe(0);
    expect(new Set(sub.lines.map((line) => line.topic))).toEqual(new Set(['user/alice', 'user/bob']));
  });

  it('rejects invalid --json with a clear sentence and a non-zero exit', async () => {
    const result = await runCli(['publish', 'room/x', '--json', '{oops'], stack.env);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/^thiscord: --json is not valid JSON/);
  });

  it('says how to fix an unreachable broker instead of hanging', async () => {
    const result = await runCli(['publish', 'room/x', 'hi', '--broker-pull-port', '1', '--timeout', '300ms'], stack.env);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/cannot reach the event broker at tcp:\/\/127\.0\.0\.1:1 .*npm run up/);
  });

  it('stops subscribe cleanly on Ctrl-C', async () => {
    const sub = startProcess('subscribe', CLI, ['subscribe'], stack.env);
    // Once it prints an event it is running, with its Ctrl-C handler in place.
    await publishUntilSeen(['system/ctrl-c', 'ping'], () => sub.lines.length > 0);
    sub.kill('SIGINT');
    expect((await sub.waitForExit()).code).toBe(0);
  });
});
