import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, makeStackEnv, ROOT, runCli, startProcess } from '../helpers/processes.js';
import { isAlive, RunningStack } from '../helpers/stack.js';
import { Terminal } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The README's quick tour, run command by command exactly as written there (npm scripts and npx
 * are thin aliases of the thiscord CLI), on free ports and a temp data dir.
 */
function walkthroughCommands(): string[][] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no <!-- walkthrough --> block');
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      if (words[0] === 'npm' && words[1] === 'run') return [words[2]!, ...words.slice(3).filter((w) => w !== '--')];
      if (words[0] === 'npx' && words[1] === 'thiscord') return words.slice(2);
      throw new Error(`walkthrough line is neither "npm run" nor "npx thiscord": ${line}`);
    });
}

describe("the README's walkthrough", () => {
  it('runs as written: up, subscribe, create, two chats talking, Ctrl-C ends everything', async () => {
    const commands = walkthroughCommands();
    expect(commands.map((c) => c[0])).toEqual(['up', 'subscribe', 'rooms', 'chat', 'chat']);
    const [upCmd, subscribeCmd, createCmd, aliceCmd, bobCmd] = commands as [string[], string[], string[], string[], string[]];
    const stack = await makeStackEnv();
    const env = { ...stack.env, THISCORD_LOG_FORMAT: 'json' };

    const up = await RunningStack.up(stack, upCmd.slice(1));
    const subscriber = startProcess('subscribe', CLI, [...subscribeCmd, '--json'], env);
    // Publish health probes until the subscriber shows one: its subscription is then live.
    await waitFor(
      'the subscriber to be live',
      async () => {
        await runCli(['publish', 'system/health/walkthrough', 'probe'], env);
        return subscriber.lines.some((line) => line.topic === 'system/health/walkthrough');
      },
      { timeoutMs: 15_000, intervalMs: 0 },
    );

    const created = await runCli(createCmd, env);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created room study-group (private');

    const alice = await Terminal.open('walk-alice', ['node', CLI, ...aliceCmd], env);
    await alice.waitForText('connected as alice');
    const bob = await Terminal.open('walk-bob', ['node', CLI, ...bobCmd], env);
    await bob.waitForText('connected as bob');
    await alice.type('did everyone read chapter 4?');
    await bob.waitForText('alice: did everyone read chapter 4?');
    await bob.type('yes, the part on RPC');
    await alice.waitForText('bob: yes, the part on RPC');

    const seen = (type: string): boolean => subscriber.lines.some((line) => (line.payload as { type?: string } | undefined)?.type === type);
    await waitFor(
      'room.created, room.joined and user.login on the subscriber',
      () => seen('room.created') && seen('room.joined') && seen('user.login'),
    );
    expect(JSON.stringify(subscriber.lines)).not.toContain('chapter 4');

    await alice.type('/quit');
    await bob.type('/quit');
    const pids = Object.values(up.pids());
    up.proc.kill('SIGINT');
    expect((await up.proc.waitForExit()).code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    subscriber.kill('SIGINT');
    expect((await subscriber.waitForExit()).code).toBe(0);
    stack.cleanup();
  }, 60_000);
});
