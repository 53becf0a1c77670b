import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { makeStackEnv, ROOT, runCli, startProcess } from '../helpers/processes.js';
import { isAlive, RunningStack } from '../helpers/stack.js';
import { Terminal } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The README's quick tour, run command by command exactly as written there, on free ports and a
 * temp data dir. `npm run X -- args` is resolved through package.json's own scripts, and
 * `npx thiscord` through its bin entry: whatever they name is what runs.
 */
type Command = { file: string; args: string[] };

const words = (line: string): string[] => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

function resolveCommand(line: string, pkg: { scripts: Record<string, string>; bin: Record<string, string> }): Command {
  const [tool, ...rest] = words(line);
  let command: string[];
  if (tool === 'npm' && rest[0] === 'run') {
    const script = pkg.scripts[rest[1]!];
    if (script === undefined) throw new Error(`README runs npm run ${rest[1]}, but package.json has no such script`);
    const extra = rest.slice(2);
    command = [...words(script), ...(extra[0] === '--' ? extra.slice(1) : extra)];
  } else if (tool === 'npx') {
    const bin = pkg.bin[rest[0]!];
    if (bin === undefined) throw new Error(`README runs npx ${rest[0]}, but package.json has no such bin`);
    command = ['node', bin, ...rest.slice(1)];
  } else {
    throw new Error(`walkthrough line is neither "npm run" nor "npx": ${line}`);
  }
  if (command[0] !== 'node') throw new Error(`expected a node command for "${line}", got: ${command.join(' ')}`);
  return { file: path.resolve(ROOT, command[1]!), args: command.slice(2) };
}

function walkthroughCommands(): Command[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    bin: Record<string, string>;
  };
  const block = /<!-- walkthrough -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no <!-- walkthrough --> block');
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => resolveCommand(line, pkg));
}

/** What alice and bob type when asked for the room's passphrase. */
const PASSPHRASE = 'correct horse';

describe("the README's walkthrough", () => {
  it('runs as written: up, subscribe, create, two chats talking, Ctrl-C ends everything', async () => {
    const commands = walkthroughCommands();
    expect(commands).toHaveLength(5);
    const [upCmd, subscribeCmd, createCmd, aliceCmd, bobCmd] = commands as [Command, Command, Command, Command, Command];
    const stack = await makeStackEnv();
    const env = stack.env;

    const up = await RunningStack.start(stack, upCmd.file, upCmd.args);
    const subscriber = startProcess('subscribe', subscribeCmd.file, subscribeCmd.args, env);
    // Publish notes until the subscriber shows one: its subscription is then live.
    await waitFor(
      'the subscriber to be live',
      async () => {
        await runCli(['publish', 'system/walkthrough', 'probe'], env);
        return subscriber.lines.some((line) => line.raw.includes('system/walkthrough note'));
      },
      { timeoutMs: 15_000, intervalMs: 0 },
    );
    expect(subscriber.stderrLines).toContain(`connected to tcp://127.0.0.1:${stack.brokerPubPort}, waiting for events`);

    // Asked for the new room's passphrase, alice types it (here: on standard input).
    const created = await execa('node', [createCmd.file, ...createCmd.args], {
      env,
      input: `${PASSPHRASE}\n`,
      reject: false,
      timeout: 15_000,
      cwd: ROOT,
    });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created room study-group (private');
    expect(created.stderr).toBe('');

    const alice = await Terminal.open('walk-alice', ['node', aliceCmd.file, ...aliceCmd.args], env);
    await alice.waitForText('connected as alice');
    const bob = await Terminal.open('walk-bob', ['node', bobCmd.file, ...bobCmd.args], env);
    await bob.waitForText('Passphrase for study-group:');
    await bob.type(PASSPHRASE);
    await bob.waitForText('connected as bob');
    expect(await bob.screen()).not.toContain(PASSPHRASE);
    await alice.type('did everyone read chapter 4?');
    await bob.waitForText('alice: did everyone read chapter 4?');
    await alice.waitForText(/study-group you: did everyone read chapter 4\? ✓/);
    expect((await alice.screen()).split('chapter 4').length - 1).toBe(1);
    await bob.type('yes, the part on RPC');
    await alice.waitForText('bob: yes, the part on RPC');

    // Readable lines (time, topic, type, fields), without the health probes and broker stats of system/.
    const seen = (type: string): boolean => subscriber.lines.some((line) => line.raw.split(' ')[2] === type);
    await waitFor(
      'room.created, room.joined and user.login on the subscriber',
      () => seen('room.created') && seen('room.joined') && seen('user.login'),
    );
    expect(seen('health.probe') || seen('broker.stats')).toBe(false);
    expect(subscriber.output).not.toContain('chapter 4');

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
