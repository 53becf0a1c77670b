import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { EventCollector } from '../helpers/events.js';
import { RawHubClient } from '../helpers/hub-client.js';
import { makeStackEnv } from '../helpers/processes.js';
import { RunningStack } from '../helpers/stack.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('privacy', () => {
  it('keeps chat text out of every log (even at trace level), every event and the data dir', async () => {
    const stack = await makeStackEnv();
    stack.env.THISCORD_LOG_LEVEL = 'trace';
    const up = await RunningStack.up(stack);
    const everything = new EventCollector(stack, ['']);
    await everything.ready();
    const canary = `canary-${Math.random().toString(36).slice(2)}-secret-words`;
    const rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    const alice = await RawHubClient.hello(stack.hubPort, (await rooms.createRoom('private-talk', 'alice', { passphrase: 'pw' })).ticket);
    const bob = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('private-talk', 'bob', { passphrase: 'pw' })).ticket);
    for (let i = 0; i < 5; i++) alice.send({ type: 'say', room: 'private-talk', text: `${canary} ${i}`, id: i });
    alice.send({ type: 'say', room: 'private-talk', text: `${canary} ${'x'.repeat(5000)}`, id: 'too-long' });
    await bob.waitFor('five messages', () => bob.of('message').length === 5);
    await alice.waitFor('the refusal', (f) => f.type === 'error' && f.code === 'text_too_long');
    alice.close();
    bob.close();
    await everything.waitForType('user.logout', (p) => p.user === 'bob');
    up.proc.kill('SIGTERM');
    await up.proc.waitForExit();
    await everything.close();

    expect(up.proc.lines.length).toBeGreaterThan(20);
    expect(up.proc.output).not.toContain(canary);
    expect(JSON.stringify(everything.events)).not.toContain(canary);
    const files = filesUnder(stack.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes(canary), file).toBe(false);
    stack.cleanup();
  }, 40_000);
});
