import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { Client, type MessageEvent } from 'irc-framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import { CLI, makeStackEnv, type StackEnv, startChatServices, startService, type TestProcess } from '../helpers/processes.js';
import { Terminal } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait.js';

let stack: StackEnv;
let hub: TestProcess;
const clients: Client[] = [];

beforeAll(async () => {
  Terminal.ensureTmux();
  stack = await makeStackEnv();
  hub = await startChatServices(stack);
  await startService('irc', stack);
});

afterAll(() => {
  for (const client of clients) client.quit();
  stack.cleanup();
});

/** An irc-framework client that records what it is told. */
class LibraryUser {
  readonly client = new Client();
  readonly messages: MessageEvent[] = [];
  readonly kicks: { kicked: string; channel: string }[] = [];
  readonly errors: { error: string; channel?: string }[] = [];
  readonly joins: { nick: string; channel: string }[] = [];
  closed = false;

  static async connect(nick: string): Promise<LibraryUser> {
    const user = new LibraryUser();
    clients.push(user.client);
    const { client } = user;
    client.on('privmsg', (event: MessageEvent) => user.messages.push(event));
    client.on('kick', (event: { kicked: string; channel: string }) => user.kicks.push(event));
    client.on('irc error', (event: { error: string; channel?: string }) => user.errors.push(event));
    client.on('join', (event: { nick: string; channel: string }) => user.joins.push(event));
    client.on('close', () => (user.closed = true));
    let registered = false;
    client.on('registered', () => (registered = true));
    client.connect({ host: '127.0.0.1', port: stack.ircPort, nick, username: nick, gecos: nick, auto_reconnect: false });
    await waitFor(`${nick} registered`, () => registered);
    return user;
  }

  async join(channel: string, nick: string, key?: string): Promise<void> {
    this.client.join(channel, key);
    await waitFor(`${nick} in ${channel}`, () => this.joins.some((j) => j.nick === nick && j.channel === channel));
  }

  heard(from: string, text: string): Promise<MessageEvent> {
    return waitFor(`${from}: ${text}`, () => this.messages.find((m) => m.nick === from && m.message === text));
  }
}

describe('stock IRC clients in ThisCord rooms', () => {
  it('an irc-framework user chats with a terminal user, gets 475 for a wrong key, kicks as owner, and survives a hub kill -9', async () => {
    const amy = await LibraryUser.connect('amy');
    await amy.join('#garden', 'amy');
    const env = { ...stack.env, THISCORD_LOG_FORMAT: 'json' };
    const tess = await Terminal.open('tess', ['node', CLI, 'chat', '--user', 'tess', '--room', 'garden'], env);
    await tess.waitForText('connected as tess');
    await waitFor('tess joins on IRC', () => amy.joins.some((j) => j.nick === 'tess'));

    amy.client.say('#garden', 'hello tess, from irc');
    await tess.waitForText('amy: hello tess, from irc');
    await tess.type('hello amy, from the terminal');
    const heard = await amy.heard('tess', 'hello amy, from the terminal');
    expect(heard.target).toBe('#garden');

    amy.client.join('#vault', 'the-key');
    await waitFor('amy in #vault', () => amy.joins.some((j) => j.channel === '#vault'));
    const bert = await LibraryUser.connect('bert');
    bert.client.join('#vault', 'not-the-key');
    await waitFor('475 for bert', () => bert.errors.find((e) => e.error === 'bad_channel_key' && e.channel === '#vault'));

    await bert.join('#garden', 'bert');
    await tess.waitForText('bert joined garden');
    amy.client.raw('KICK #garden bert :out');
    await waitFor('bert kicked on his client', () => bert.kicks.find((k) => k.kicked === 'bert' && k.channel === '#garden'));
    await waitFor('the kick seen by amy', () => amy.kicks.find((k) => k.kicked === 'bert'));
    await tess.waitForText('bert was kicked from garden');
    const rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    expect((await rooms.roomInfo('garden')).member_names).not.toContain('bert');
    bert.client.join('#garden');
    await waitFor('474 for bert', () => bert.errors.find((e) => e.error === 'banned_from_channel'));

    // The hub dies hard and comes back: the IRC side stays connected and chat resumes both ways.
    hub.kill('SIGKILL');
    await hub.exited;
    await tess.waitForText('lost the hub');
    hub = await startService('hub', stack);
    await tess.waitForText('back, in garden');
    amy.client.say('#garden', 'still here after the hub restart');
    await tess.waitForText('amy: still here after the hub restart', 15_000);
    await tess.type('welcome back amy');
    await amy.heard('tess', 'welcome back amy');
    expect(amy.closed).toBe(false);
    await tess.type('/quit');
  }, 60_000);

  it('irssi in a real terminal joins a room and chats both ways with a terminal user', async () => {
    // irssi's configuration and logs stay inside the stack's data dir, removed with it.
    const home = mkdtempSync(path.join(stack.dataDir, 'irssi-'));
    const irssi = await Terminal.open('irssi', ['irssi', '--home', home, '-c', '127.0.0.1', '-p', String(stack.ircPort), '-n', 'iris'], {});
    await irssi.waitForText('Welcome to ThisCord over IRC');
    await irssi.type('/join #porch');
    await irssi.waitForText(/iris.*has joined #porch/);
    const env = { ...stack.env, THISCORD_LOG_FORMAT: 'json' };
    const tom = await Terminal.open('tom', ['node', CLI, 'chat', '--user', 'tom', '--room', 'porch'], env);
    await tom.waitForText('connected as tom');
    await irssi.waitForText(/tom.*has joined #porch/);
    await irssi.type('hi tom, irssi here');
    await tom.waitForText('iris: hi tom, irssi here');
    await tom.type('hello iris');
    await irssi.waitForText(/<\s*tom> hello iris/);
    await tom.type('/quit');
    await irssi.type('/quit');
    // irssi writes into its home, inside the data dir, as it quits: the dir goes only once both have exited.
    await waitFor('irssi to exit', () => irssi.hasEnded());
    await waitFor('tom to exit', () => tom.hasEnded());
  }, 45_000);
});
