import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, makeStackEnv, runCli, type StackEnv } from '../helpers/processes.js';
import { RunningStack } from '../helpers/stack.js';
import { Terminal } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait.js';

/** What a newcomer meets in the chat client (issue 15), each through a real terminal. */
let stack: StackEnv;
let up: RunningStack;
let env: Record<string, string>;

const chat = (name: string, ...args: string[]): Promise<Terminal> => Terminal.open(name, ['node', CLI, 'chat', ...args], env);
/** The chat client in a shell that prints its exit code when it ends: `exit=N` on the screen. */
const chatShowingExit = (name: string, ...args: string[]): Promise<Terminal> =>
  Terminal.open(name, ['sh', '-c', `node ${CLI} chat ${args.join(' ')}; echo exit=$?`], env);
const countOf = (screen: string, text: string): number => screen.split(text).length - 1;

beforeAll(async () => {
  Terminal.ensureTmux();
  stack = await makeStackEnv();
  up = await RunningStack.up(stack);
  env = { ...stack.env, THISCORD_LOG_FORMAT: 'json' };
});

afterAll(async () => {
  up.proc.kill('SIGTERM');
  await up.proc.waitForExit();
  stack.cleanup();
});

describe('the chat client for a newcomer', () => {
  it("asks for a private room's passphrase without showing it or keeping it in the input history", async () => {
    const created = await runCli(['rooms', 'create', 'vault', '--user', 'alice'], { ...env, THISCORD_PASSPHRASE: 'open sesame' });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stderr).toBe('');
    const bob = await chat('secret-bob', '--user', 'bob', '--room', 'vault');
    await bob.waitForText('Passphrase for vault:');
    await bob.typePartly('open sesame');
    expect(await bob.screen()).not.toContain('open');
    await bob.press('Enter');
    await bob.waitForText('connected as bob');
    await bob.press('Up');
    await bob.waitForText(/\[vault\] >\s*$/m);
    expect(await bob.screen()).not.toContain('sesame');
    await bob.type('/quit');
  });

  it('joins only with /join, creates with /create, and the creator can manage a room made in the chat', async () => {
    const alice = await chat('create-alice', '--user', 'alice', '--room', 'made-by-flag', '--create');
    await alice.waitForText('connected as alice');
    await alice.type('/join nosuch');
    await alice.waitForText('there is no room nosuch; /create nosuch makes one');
    await alice.type('/create made-in-chat --topic "CECS 327" --unlisted');
    await alice.waitForText('created room made-in-chat; you own it');
    await alice.waitForText('[made-in-chat] >');
    await alice.type('/join two words');
    await alice.waitForText('usage: /join <room>');

    const listed = await runCli(['rooms', 'list'], env);
    expect(listed.stdout).not.toContain('nosuch');
    const info = await runCli(['rooms', 'info', 'made-in-chat', '--user', 'alice'], env);
    expect(info.stdout).toContain('CECS 327');
    for (const room of ['made-in-chat', 'made-by-flag']) {
      const deleted = await runCli(['rooms', 'delete', room, '--user', 'alice'], env);
      expect(deleted.exitCode, deleted.stderr).toBe(0);
      expect(deleted.stdout).toContain(`Deleted room ${room}.`);
    }
    await alice.type('/quit');
  });

  it('labels members and people online apart in /who and /rooms', async () => {
    expect((await runCli(['rooms', 'create', 'club', '--user', 'alice'], env)).exitCode).toBe(0);
    const carol = await chatShowingExit('who-carol', '--user', 'carol', '--room', 'club');
    await carol.waitForText('connected as carol');
    await carol.type('/quit');
    await carol.waitForText(/^exit=0$/m);

    const alice = await chat('who-alice', '--user', 'alice', '--room', 'club');
    await alice.waitForText('connected as alice');
    await alice.type('/who');
    await alice.waitForText('online in club now: alice');
    await alice.waitForText('members of club (online or not): alice, carol');
    await alice.type('/rooms');
    const screen = await alice.waitForText('MEMBERS: who has joined (online or not); ONLINE: connected now');
    expect(screen).toMatch(/ROOM\s+MEMBERS\s+ONLINE/);
    expect(screen).toMatch(/^club\s+2\s+1\s/m);
    await alice.type('/quit');
  });

  it('shows each sent line once with its ✓, announces an expiry once and leaves a clean terminal on exit', async () => {
    const alice = await chatShowingExit('lines-alice', '--user', 'alice', '--room', 'brief', '--create');
    await alice.waitForText('connected as alice');
    await alice.type('only once please');
    const sent = await alice.waitForText(/\d\d:\d\d brief you: only once please ✓$/m);
    expect(countOf(sent, 'only once please')).toBe(1);

    await alice.type('/create fleeting --ttl 1s');
    await alice.waitForText('left fleeting: ');
    // A round trip after the announcement: anything else about the expiry would have arrived by now.
    await alice.type('/switch brief');
    await alice.type('after the expiry');
    const after = await alice.waitForText(/brief you: after the expiry ✓/);
    expect(countOf(after, 'fleeting was expired') + countOf(after, 'hub: ')).toBe(1);

    await alice.type('/quit');
    const final = await alice.waitForText(/^exit=\d+$/m);
    expect(final).toMatch(/^exit=0$/m);
    expect(final).not.toMatch(/\(closed\)|\] >/);
    const lines = final.split('\n').filter((row) => row.trim() !== '' && !row.startsWith('Pane is dead') && !row.startsWith('exit='));
    expect(lines.at(-1)).toContain('after the expiry ✓');
  });

  it('completes commands, rooms and names with Tab, highlights its own name and shows the room in the title', async () => {
    expect((await runCli(['rooms', 'create', 'lounge', '--user', 'alice'], env)).exitCode).toBe(0);
    const alice = await chat('tab-alice', '--user', 'alice', '--room', 'lounge');
    await alice.waitForText('connected as alice');
    const bob = await chat('tab-bob', '--user', 'bob', '--room', 'lounge');
    await bob.waitForText('connected as bob');
    await alice.waitForText('bob joined lounge');
    await waitFor('the title to name the room', async () => (await alice.title()).includes('lounge'));

    await alice.typePartly('/sw');
    await alice.press('Tab');
    await waitFor('/switch completed', async () => (await alice.inputLine()).trimEnd().endsWith('] > /switch'));
    await alice.typePartly('lo');
    await alice.press('Tab');
    await waitFor('the room completed', async () => (await alice.inputLine()).endsWith('/switch lounge'));
    await alice.press('Enter');
    await alice.typePartly('thanks b');
    await alice.press('Tab');
    await waitFor('the name completed', async () => (await alice.inputLine()).endsWith('thanks bob'));
    await alice.press('Enter');
    await bob.waitForText('alice: thanks bob');

    await bob.type('alice, look at this');
    await alice.waitForText('bob: alice, look at this');
    const coloured = await alice.screenWithAttributes();
    const line = coloured.split('\n').find((row) => row.includes('look at this')) ?? '';
    expect(line).toMatch(/bob: \u001b\[[0-9;]*m+alice\u001b\[/);
    expect(line.indexOf('bob')).toBeLessThan(line.indexOf('\u001b['));
    await alice.type('/quit');
    await bob.type('/quit');
  });

  it('says the hub cannot be reached, and exits 1, when a stored ticket finds no stack running', async () => {
    expect((await runCli(['rooms', 'create', 'harbour', '--user', 'alice'], env)).exitCode).toBe(0);
    const joined = await runCli(['rooms', 'join', 'harbour', '--user', 'dave'], env);
    expect(joined.exitCode, joined.stderr).toBe(0);
    up.proc.kill('SIGTERM');
    await up.proc.waitForExit();
    const dave = await chatShowingExit('nohub-dave', '--user', 'dave', '--room', 'harbour');
    await dave.waitForText(`cannot reach the hub at 127.0.0.1:${stack.hubPort}; is the stack running? (npm run up)`);
    expect(await dave.waitForText(/^exit=\d+$/m)).toMatch(/^exit=1$/m);
    expect(await dave.screen()).not.toContain('lost the hub');
  });
});
