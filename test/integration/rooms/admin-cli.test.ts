import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStackEnv, runCli, type StackEnv, startService } from '../../helpers/processes.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('rooms', stack);
});

afterAll(() => stack.cleanup());

describe('thiscord rooms', () => {
  it('creates a private temporary room, keeping the owner key in a 0600 file', async () => {
    const created = await runCli(
      ['rooms', 'create', 'study-group', '--user', 'alice', '--ttl', '7d', '--passphrase', 'pw', '--topic', 'CECS 327'],
      stack.env,
    );
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Created room study-group \(private, expires .*\); alice owns it\./);
    const file = path.join(stack.dataDir, 'clients', 'alice.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const listed = await runCli(['rooms', 'list'], stack.env);
    expect(listed.stdout).toMatch(/^ROOM\s+MEMBERS\s+PRIVATE\s+EXPIRES\s+TOPIC\nstudy-group\s+1\s+yes\s+\S+\s+CECS 327$/);
  });

  it('joins with --json and uses stored keys for info, kick and delete', async () => {
    const joined = await runCli(['rooms', 'join', 'study-group', '--user', 'bob', '--passphrase', 'pw', '--json'], stack.env);
    expect(JSON.parse(joined.stdout)).toMatchObject({ room: 'study-group', user: 'bob', members: ['alice', 'bob'] });
    expect((await runCli(['rooms', 'info', 'study-group', '--user', 'bob'], stack.env)).stdout).toMatch(/members\s+2: alice, bob/);
    expect((await runCli(['rooms', 'kick', 'study-group', 'bob', '--user', 'alice'], { ...stack.env })).stdout).toContain(
      'Kicked bob from room study-group',
    );
    expect((await runCli(['rooms', 'delete', 'study-group', '--user', 'alice'], stack.env)).stdout).toContain('Deleted room study-group.');
  });

  it('prints every fault as one plain sentence with a non-zero exit', async () => {
    const missing = await runCli(['rooms', 'join', 'nowhere', '--user', 'bob'], stack.env);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr.trim()).toBe('thiscord: there is no room named nowhere; list the rooms, or create it');
    const noUser = await runCli(['rooms', 'create', 'x'], stack.env);
    expect(noUser.stderr).toContain('--user');
    const traversal = await runCli(['rooms', 'info', 'x', '--user', '../../x'], stack.env);
    expect(traversal.exitCode).not.toBe(0);
    expect(traversal.stderr.trim()).toBe('thiscord: --user must be 1 to 32 letters, digits, "_", "-" or "."');
    const down = await runCli(['rooms', 'list', '--rooms-port', '1'], stack.env);
    expect(down.stderr.trim()).toBe(
      'thiscord: cannot reach the room service at 127.0.0.1:1; start the stack with "npm run up", or pass --host / --rooms-port',
    );
  });

  it("runs the seed's interactive flow: list, user name, join or create, outcome", async () => {
    const created = await runCli(['rooms'], stack.env, { input: 'carol\nc\nhobby\n\n' });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('Your user name: ');
    expect(created.stdout).toContain('Created room hobby (public); carol owns it.');
    const joined = await runCli(['rooms'], stack.env, { input: 'dave\nj\nhobby\n' });
    expect(joined.stdout).toMatch(/hobby\s+1\s+no/);
    expect(joined.stdout).toContain('Joined room hobby as dave; members: carol, dave.');
  });
});
