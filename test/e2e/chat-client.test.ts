import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { RawHubClient } from '../helpers/hub-client.js';
import { CLI, makeStackEnv, type StackEnv } from '../helpers/processes.js';
import { RunningStack } from '../helpers/stack.js';
import { Terminal } from '../helpers/terminal.js';

let stack: StackEnv;
let up: RunningStack;

beforeAll(async () => {
  Terminal.ensureTmux();
  stack = await makeStackEnv();
  up = await RunningStack.up(stack);
});

afterAll(async () => {
  up.proc.kill('SIGTERM');
  await up.proc.waitForExit();
  stack.cleanup();
});

describe('thiscord chat in a real terminal', () => {
  it('joins, sends, receives, shows hostile text harmlessly and comes back after the hub restarts', async () => {
    const env = stack.env;
    const alice = await Terminal.open('alice', ['node', CLI, 'chat', '--user', 'alice', '--room', 'study', '--create'], env);
    await alice.waitForText('connected as alice');
    const bob = await Terminal.open('bob', ['node', CLI, 'chat', '--user', 'bob', '--room', 'study'], env);
    await bob.waitForText('connected as bob');
    await alice.waitForText('bob joined study');

    await alice.type('hello bob');
    await bob.waitForText(/\d\d:\d\d study alice: hello bob/);
    await alice.waitForText(/study you: hello bob ✓/);
    await bob.type('/me waves');
    await alice.waitForText('* bob waves');

    // A message arriving while alice is half-way through a line is printed above it; her line survives.
    await execa('tmux', ['-L', alice.socket, 'send-keys', '-t', alice.name, '-l', 'half-typed words']);
    await alice.waitForText(/> half-typed words$/m);
    await bob.type('interrupting');
    const interrupted = await alice.waitForText('bob: interrupting');
    expect(interrupted.trimEnd().split('\n').at(-1)).toMatch(/\[study\] > half-typed words$/);
    await execa('tmux', ['-L', alice.socket, 'send-keys', '-t', alice.name, ' finished', 'Enter']);
    await bob.waitForText('alice: half-typed words finished');

    // Someone sends escape sequences that would clear the screen and set the title.
    const mallory = await RawHubClient.hello(
      stack.hubPort,
      (await new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort }).joinRoom('study', 'mallory')).ticket,
    );
    mallory.send({ type: 'say', room: 'study', text: '\u001b[2J\u001b[H\u001b]0;pwned\u0007harmless-marker\u001b[31m' });
    const screen = await alice.waitForText('mallory: harmless-marker');
    expect(screen).toContain('hello bob');
    expect(await alice.title()).not.toContain('pwned');
    mallory.close();

    const hubPid = up.pids().hub!;
    const healthy = up.events('service.running', 'hub').length;
    process.kill(hubPid, 'SIGKILL');
    await alice.waitForText('lost the hub');
    await alice.type('typed while the hub was down');
    await up.healthyAgain('hub', healthy);
    await alice.waitForText('back, in study');
    await bob.waitForText('alice: typed while the hub was down');
    await bob.type('welcome back');
    await alice.waitForText('bob: welcome back');

    await alice.type('/quit');
    await bob.type('/quit');
  }, 60_000);
});
