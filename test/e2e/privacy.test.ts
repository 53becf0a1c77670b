import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { EventCollector } from '../helpers/events.js';
import { RawHubClient } from '../helpers/hub-client.js';
import { RawIrcClient } from '../helpers/irc-client.js';
import { makeStackEnv } from '../helpers/processes.js';
import { RunningStack } from '../helpers/stack.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

const ROOM = 'private-talk';

describe('privacy', () => {
  it('keeps chat text out of every log (even at trace level), every event and the data dir, on every path it takes', async () => {
    const stack = await makeStackEnv({ logLevel: 'trace' });
    const up = await RunningStack.up(stack);
    const everything = new EventCollector(stack, ['']);
    await everything.ready();
    const canary = `canary-${Math.random().toString(36).slice(2)}-secret-words`;
    const rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    const alice = await RawHubClient.hello(stack.hubPort, (await rooms.createRoom(ROOM, 'alice', { passphrase: 'pw' })).ticket);
    const bob = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom(ROOM, 'bob', { passphrase: 'pw' })).ticket);
    const clients = [alice, bob];

    // Delivered: plain messages and a /me action.
    for (let i = 0; i < 5; i++) alice.send({ type: 'say', room: ROOM, text: `${canary} ${i}`, id: i });
    alice.send({ type: 'say', room: ROOM, text: `/me whispers ${canary}`, id: 'me' });
    await bob.waitFor('six messages', () => bob.of('message').length === 6);

    // Refused, each with its error frame: too long, malformed JSON, an unknown type, a bad field,
    // bad UTF-8, a room the sender is not in.
    alice.send({ type: 'say', room: ROOM, text: `${canary} ${'x'.repeat(5000)}`, id: 'too-long' });
    alice.write(`{"type":"say","room":"${ROOM}","text":"${canary} unterminated\n`);
    alice.write(`{"type":"shout","room":"${ROOM}","text":"${canary}"}\n`);
    alice.write(`{"type":"say","room":7,"text":"${canary}"}\n`);
    alice.write(
      Buffer.concat([Buffer.from(`{"type":"say","room":"${ROOM}","text":"${canary} `), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]),
    );
    alice.send({ type: 'say', room: 'elsewhere', text: `${canary} wrong room`, id: 'elsewhere' });
    await alice.waitFor('six refusals', () => alice.of('error').length === 6);
    expect(alice.of('error').map((e) => e.code)).toEqual([
      'text_too_long',
      'bad_json',
      'unknown_type',
      'bad_field',
      'bad_json',
      'not_in_room',
    ]);

    // Rate limited: more than a burst at once.
    const flood = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom(ROOM, 'flood', { passphrase: 'pw' })).ticket);
    clients.push(flood);
    for (let i = 0; i < 60; i++) flood.send({ type: 'say', room: ROOM, text: `${canary} flood ${i}`, id: i });
    await flood.waitFor('60 answers', () => flood.of('ack').length + flood.of('error').length === 60);
    expect(flood.of('error').some((e) => e.code === 'rate_limited')).toBe(true);

    // Before hello, a ticket that is not one, and an over-long frame that ends the connection.
    const stranger = await RawHubClient.connect(stack.hubPort);
    clients.push(stranger);
    stranger.send({ type: 'say', room: ROOM, text: `${canary} before hello`, id: 'early' });
    stranger.send({ type: 'hello', ticket: canary });
    await stranger.waitFor('two refusals', () => stranger.of('error').length === 2);
    const long = await RawHubClient.connect(stack.hubPort);
    clients.push(long);
    long.write(`{"type":"say","room":"${ROOM}","text":"${canary.repeat(Math.ceil(70_000 / canary.length))}"}\n`);
    await long.waitClosed();
    expect(long.of('error').map((e) => e.code)).toEqual(['frame_too_large']);

    // History, replayed to a later joiner, and a wrong passphrase at the room service.
    const carol = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom(ROOM, 'carol', { passphrase: 'pw' })).ticket);
    clients.push(carol);
    expect(JSON.stringify(carol.of('history'))).toContain(canary);
    await expect(rooms.joinRoom(ROOM, 'mallory', { passphrase: canary })).rejects.toThrow();

    // Through the IRC gateway: history on join, messages, an action, and each kind of refusal.
    const irc = await RawIrcClient.register(stack.ircPort, 'ivan', ['server-time', 'echo-message']);
    irc.send(`JOIN #${ROOM} ${canary}`);
    await irc.waitFor('475', (m) => m.command === '475');
    await irc.join(`#${ROOM}`, 'pw');
    await irc.waitFor('history', (m) => m.command === 'PRIVMSG' && m.params[1]?.startsWith(canary) === true);
    irc.send(`PRIVMSG #${ROOM} :${canary} from irc`, `PRIVMSG #${ROOM} :\x01ACTION ${canary}\x01`, `PRIVMSG bob :${canary}`);
    irc.send(`PRIVMSG #${ROOM} :${canary}${'y'.repeat(600)}`);
    irc.write(Buffer.concat([Buffer.from(`PRIVMSG #${ROOM} :${canary} `), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n')]));
    await irc.waitFor('FAIL', (m) => m.command === 'FAIL');
    for (const code of ['401', '417']) await irc.waitFor(code, (m) => m.command === code);
    await carol.waitFor('the action from ivan', (f) => f.type === 'message' && f.from === 'ivan' && f.text === `/me ${canary}`);
    irc.send('QUIT :bye');
    await irc.waitClosed();

    for (const client of clients) client.close();
    await everything.waitForType('user.logout', (p) => p.user === 'carol');
    up.proc.kill('SIGTERM');
    await up.proc.waitForExit();
    await everything.close();

    // The low levels really reached the log: every refusal above left a debug record (its code, never
    // the frame), and the room service logged its calls at debug.
    const errorsSent = clients.reduce((sum, client) => sum + client.of('error').length, 0);
    const refusals = up.proc.lines.filter((line) => line.service === 'hub' && line.level === 20 && line.msg === 'frame refused');
    expect(refusals.length).toBe(errorsSent);
    expect(up.proc.lines.some((line) => line.service === 'rooms' && line.level === 20)).toBe(true);

    expect(up.proc.output).not.toContain(canary);
    expect(JSON.stringify(everything.events)).not.toContain(canary);
    const files = filesUnder(stack.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes(canary), file).toBe(false);
    stack.cleanup();
  }, 60_000);
});
