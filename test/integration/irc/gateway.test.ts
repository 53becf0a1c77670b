import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { ircLocalSocket } from '../../../src/config/options.js';
import { IrcProbe } from '../../../src/supervisor/probes/irc-probe.js';
import { RawHubClient } from '../../helpers/hub-client.js';
import { RawIrcClient } from '../../helpers/irc-client.js';
import { freePort } from '../../helpers/ports.js';
import { makeStackEnv, type StackEnv, startChatServices, startService, type TestProcess } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
let rooms: RoomsClient;
let hub: TestProcess;
const HUB_ARGS = ['--max-connections-per-address', '2'];

beforeAll(async () => {
  stack = await makeStackEnv();
  // A tight per-address quota at the hub: the gateway's users reach it through its local socket instead.
  hub = await startChatServices(stack, HUB_ARGS);
  const motd = path.join(stack.dataDir, 'motd.txt');
  writeFileSync(motd, 'Be kind.\nNo spoilers.\n');
  await startService('irc', stack, ['--irc-registration-timeout', '1500ms', '--irc-motd-file', motd]);
  rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
});

afterAll(() => stack.cleanup());

/** A data dir of its own for a second gateway (its local socket lives there); it joins no rooms. */
function apart(): string[] {
  return ['--data-dir', mkdtempSync(path.join(stack.dataDir, 'gateway-'))];
}

const numeric = (code: string) => (m: { command: string }) => m.command === code;

describe('IRC gateway: registration', () => {
  it('welcomes with 001–005, a truthful ISUPPORT and the MOTD, after CAP negotiation ends', async () => {
    const client = await RawIrcClient.connect(stack.ircPort);
    client.send('CAP LS 302', 'NICK reggie', 'USER reggie 0 * :Reg Gie');
    await client.waitFor('CAP LS', (m) => m.command === 'CAP' && m.params[1] === 'LS');
    expect(client.messages.find((m) => m.command === 'CAP')!.params[2]!.split(' ')).toEqual(['server-time', 'echo-message']);
    // Registration waits for CAP END.
    expect(client.messages.some(numeric('001'))).toBe(false);
    client.send('CAP REQ :server-time bogus-cap');
    await client.waitFor('NAK', (m) => m.command === 'CAP' && m.params[1] === 'NAK');
    client.send('CAP REQ :server-time', 'CAP END');
    await client.waitFor('end of MOTD', numeric('376'));
    const codes = client.messages.map((m) => m.command);
    for (const code of ['001', '002', '003', '004', '005', '375', '372', '376']) expect(codes).toContain(code);
    const isupport = client.messages.filter(numeric('005')).flatMap((m) => m.params.slice(1, -1));
    expect(isupport).toEqual(
      expect.arrayContaining(['CASEMAPPING=ascii', 'CHANTYPES=#', 'CHANNELLEN=33', 'NICKLEN=32', 'PREFIX=(o)@', 'UTF8ONLY']),
    );
    expect(client.messages.filter(numeric('372')).map((m) => m.params[1])).toEqual(['- Be kind.', '- No spoilers.']);
    client.send('CAP LIST');
    await client.waitFor('CAP LIST', (m) => m.command === 'CAP' && m.params[1] === 'LIST' && m.params[2] === 'server-time');
    client.close();
  });

  it('maps nicks to ThisCord names: 432 for a bad one, 433 for one in use regardless of case, 431 for none', async () => {
    const first = await RawIrcClient.register(stack.ircPort, 'Nicky');
    const second = await RawIrcClient.connect(stack.ircPort);
    second.send('NICK bad!nick', 'NICK nicky', 'NICK');
    await second.waitFor('432', numeric('432'));
    await second.waitFor('433', (m) => m.command === '433' && m.params[1] === 'nicky');
    await second.waitFor('431', numeric('431'));
    second.send('NICK nicky2', 'USER n 0 * :n');
    await second.waitFor('welcome', numeric('001'));
    first.close();
    second.close();
  });

  it('answers commands before registration with 451 and keeps the connection', async () => {
    const client = await RawIrcClient.connect(stack.ircPort);
    client.send('JOIN #early', 'PING :still-there');
    await client.waitFor('451', numeric('451'));
    await client.waitFor('PONG', (m) => m.command === 'PONG' && m.params[1] === 'still-there');
    client.close();
  });

  it('closes a connection that does not register in time with ERROR', async () => {
    const client = await RawIrcClient.connect(stack.ircPort);
    client.send('NICK slowpoke');
    await client.waitFor('ERROR', (m) => m.command === 'ERROR' && /Registration timed out/.test(m.params[0]!));
    await client.waitClosed();
  });
});

describe('IRC gateway: bad lines', () => {
  it('answers unknown commands, missing parameters, over-long lines and non-UTF-8 and stays up', async () => {
    const client = await RawIrcClient.register(stack.ircPort, 'sloppy');
    client.send('FROBNICATE now', 'KICK', `PRIVMSG #x :${'y'.repeat(600)}`);
    await client.waitFor('421', (m) => m.command === '421' && m.params[1] === 'FROBNICATE');
    await client.waitFor('461', (m) => m.command === '461' && m.params[1] === 'KICK');
    await client.waitFor('417', numeric('417'));
    client.write(Buffer.from([0x50, 0x49, 0x4e, 0x47, 0x20, 0xff, 0xfe, 0x0d, 0x0a]));
    await client.waitFor('FAIL INVALID_UTF8', (m) => m.command === 'FAIL' && m.params[1] === 'INVALID_UTF8');
    client.send('PING :alive');
    await client.waitFor('PONG', (m) => m.command === 'PONG' && m.params[1] === 'alive');
    expect(client.closed).toBe(false);
    client.close();
  });

  it('offers no private messages (401) and one target per message (407)', async () => {
    const client = await RawIrcClient.register(stack.ircPort, 'lonely');
    client.send('PRIVMSG someone :psst', 'PRIVMSG #a,#b :hi', 'NOTICE someone :quiet');
    await client.waitFor('401', (m) => m.command === '401' && m.params[1] === 'someone');
    await client.waitFor('407', numeric('407'));
    client.send('PING :done');
    await client.waitFor('PONG', (m) => m.command === 'PONG');
    // A NOTICE never draws an error reply.
    expect(client.messages.filter(numeric('401'))).toHaveLength(1);
    client.close();
  });
});

describe('IRC gateway: channels are rooms', () => {
  it('creates a room on JOIN, owned by the joiner shown as @, private with a key; a wrong key gets 475', async () => {
    const owner = await RawIrcClient.register(stack.ircPort, 'olga');
    await owner.join('#secret-club', 'open-sesame');
    expect(owner.messages.find((m) => m.command === '353')!.params.at(-1)).toBe('@olga');
    expect((await rooms.roomInfo('secret-club')).owner).toBe('olga');
    owner.send('MODE #secret-club');
    const mode = await owner.waitFor('324', numeric('324'));
    expect(mode.params.slice(2)).toEqual(['+ntk', 'open-sesame']);

    const guest = await RawIrcClient.register(stack.ircPort, 'gus');
    guest.send('JOIN #secret-club wrong-key');
    const refused = await guest.waitFor('475', numeric('475'));
    expect(refused.params[1]).toBe('#secret-club');
    await guest.join('#secret-club', 'open-sesame');
    await owner.waitFor('gus joins', (m) => m.command === 'JOIN' && m.source?.startsWith('gus!') === true);
    guest.send('MODE #secret-club +o gus');
    await guest.waitFor('482', numeric('482'));
    owner.close();
    guest.close();
  });

  it('relays PRIVMSG both ways with a hub user, echoes with server-time, and replays history on join', async () => {
    const irc = await RawIrcClient.register(stack.ircPort, 'ivy', ['server-time', 'echo-message']);
    await irc.join('#chatter');
    const terminal = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('chatter', 'tom')).ticket);
    await irc.waitFor('tom joins', (m) => m.command === 'JOIN' && m.source?.startsWith('tom!') === true);
    terminal.send({ type: 'say', room: 'chatter', text: 'hello from the terminal', id: 1 });
    const got = await irc.waitFor('PRIVMSG from tom', (m) => m.command === 'PRIVMSG' && m.source?.startsWith('tom!') === true);
    expect(got.params).toEqual(['#chatter', 'hello from the terminal']);
    expect(got.tags?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    irc.send('PRIVMSG #chatter :hello from irc', 'PRIVMSG #chatter :\x01ACTION waves\x01');
    const heard = await terminal.waitFor('message from ivy', (f) => f.type === 'message' && f.from === 'ivy');
    expect(heard).toMatchObject({ room: 'chatter', text: 'hello from irc' });
    await terminal.waitFor('action', (f) => f.type === 'message' && f.text === '/me waves');
    const echo = await irc.waitFor('echo', (m) => m.command === 'PRIVMSG' && m.source?.startsWith('ivy!') === true);
    expect(echo.params).toEqual(['#chatter', 'hello from irc']);

    // A long message with a line break arrives as several lines, none over 512 bytes.
    terminal.send({ type: 'say', room: 'chatter', text: `${'é'.repeat(400)}\nsecond line`, id: 2 });
    await irc.waitFor('second line', (m) => m.command === 'PRIVMSG' && m.params[1] === 'second line');
    for (const line of irc.lines) expect(Buffer.byteLength(line.replace(/^@\S+ /, '')) + 2).toBeLessThanOrEqual(512);

    const late = await RawIrcClient.register(stack.ircPort, 'lara', ['server-time']);
    await late.join('#chatter');
    const replayed = await late.waitFor('history', (m) => m.command === 'PRIVMSG' && m.params[1] === 'hello from the terminal');
    expect(replayed.tags?.time).toBe(got.tags?.time);
    const plain = await RawIrcClient.register(stack.ircPort, 'pat');
    await plain.join('#chatter');
    const stamped = await plain.waitFor(
      'history without server-time',
      (m) => m.command === 'PRIVMSG' && m.source?.startsWith('tom!') === true,
    );
    expect(stamped.params[1]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\] hello from the terminal$/);

    terminal.close();
    await irc.waitFor('tom leaves', (m) => m.command === 'PART' && m.source?.startsWith('tom!') === true);
    late.send('QUIT :gone fishing');
    await irc.waitFor('lara quits', (m) => m.command === 'QUIT' && m.source?.startsWith('lara!') === true);
    expect(irc.messages.find((m) => m.command === 'QUIT')!.params[0]).toBe('Quit: gone fishing');
    for (const c of [irc, plain]) c.close();
  });

  it('answers NAMES, WHO, TOPIC, LIST (listed rooms only) and PART', async () => {
    await rooms.createRoom('hidden-room', 'henry', { unlisted: true });
    await rooms.createRoom('topical', 'tina', { topic: 'all about topics' });
    const client = await RawIrcClient.register(stack.ircPort, 'quinn');
    await client.join('#topical');
    expect(client.messages.find(numeric('332'))!.params.slice(1)).toEqual(['#topical', 'all about topics']);
    client.send('TOPIC #topical :new topic');
    await client.waitFor('482 for a topic change', numeric('482'));
    client.send('LIST');
    await client.waitFor('323', numeric('323'));
    const listed = client.messages.filter(numeric('322')).map((m) => m.params[1]);
    expect(listed).toContain('#topical');
    expect(listed).not.toContain('#hidden-room');
    client.send('WHO #topical');
    const who = await client.waitFor('352', numeric('352'));
    expect(who.params[5]).toBe('quinn');
    await client.waitFor('315', numeric('315'));
    client.send('PART #topical :bye now');
    await client.waitFor('PART', (m) => m.command === 'PART' && m.params[0] === '#topical');
    client.send('PRIVMSG #topical :still here?');
    await client.waitFor('404', numeric('404'));
    client.close();
  });

  it('gives the name back in every room when the connection drops, even in the middle of a JOIN', async () => {
    await rooms.createRoom('dropzone', 'dora');
    const steady = await RawIrcClient.register(stack.ircPort, 'dropper');
    await steady.join('#dropzone');
    expect((await rooms.roomInfo('dropzone')).member_names).toContain('dropper');
    steady.send('JOIN #dropzone-two');
    steady.close();
    await waitFor('dropper to leave both rooms', async () => {
      const one = (await rooms.roomInfo('dropzone')).member_names ?? [];
      const two = await rooms.roomInfo('dropzone-two').then(
        (info) => info.member_names ?? [],
        (): string[] => [],
      );
      return !one.includes('dropper') && !two.includes('dropper');
    });
    // The name is free again: a new session takes it and joins.
    const again = await RawIrcClient.register(stack.ircPort, 'dropper');
    await again.join('#dropzone');
    again.close();
  });

  it('lets the owner KICK through the room service: the name is out of the room for good', async () => {
    const owner = await RawIrcClient.register(stack.ircPort, 'kate');
    await owner.join('#strict');
    const victim = await RawIrcClient.register(stack.ircPort, 'vic');
    await victim.join('#strict');
    await owner.waitFor('vic joins', (m) => m.command === 'JOIN' && m.source?.startsWith('vic!') === true);
    victim.send('KICK #strict kate');
    await victim.waitFor('482', numeric('482'));
    owner.send('KICK #strict vic :behave');
    const kicked = await victim.waitFor('KICK', (m) => m.command === 'KICK');
    expect(kicked.params.slice(0, 2)).toEqual(['#strict', 'vic']);
    await owner.waitFor('KICK seen by owner', (m) => m.command === 'KICK' && m.params[1] === 'vic');
    victim.send('JOIN #strict');
    await victim.waitFor('474', numeric('474'));
    owner.close();
    victim.close();
  });
});

describe('IRC gateway: limits', () => {
  it("reaches the hub through its local socket: IRC users do not share the hub's quota for 127.0.0.1", async () => {
    const users = await Promise.all(['q1', 'q2', 'q3', 'q4'].map((nick) => RawIrcClient.register(stack.ircPort, nick)));
    for (const user of users) await user.join('#quota');
    users[3]!.send('PRIVMSG #quota :everyone here?');
    await users[0]!.waitFor('message from q4', (m) => m.command === 'PRIVMSG' && m.source?.startsWith('q4!') === true);
    for (const user of users) user.close();
  });

  it('pings an idle client, drops one that does not answer, and caps connections per address', async () => {
    const port = await freePort();
    await startService('irc', stack, [
      ...apart(),
      '--irc-port',
      String(port),
      '--irc-idle-timeout',
      '300ms',
      '--irc-ping-timeout',
      '300ms',
      '--irc-clients-per-address',
      '2',
      '--irc-line-rate',
      '5',
      '--irc-line-burst',
      '5',
      '--irc-max-queued-lines',
      '10',
    ]);
    const idle = await RawIrcClient.register(port, 'idler');
    await idle.waitFor('PING', (m) => m.command === 'PING');
    await idle.waitFor('ping timeout', (m) => m.command === 'ERROR' && /Ping timeout/.test(m.params[0]!));
    await idle.waitClosed();

    const a = await RawIrcClient.register(port, 'flooder');
    const b = await RawIrcClient.connect(port);
    const c = await RawIrcClient.connect(port);
    await c.waitFor('refused', (m) => m.command === 'ERROR' && /Too many connections/.test(m.params[0]!));
    await c.waitClosed();
    b.close();

    a.send(...Array.from({ length: 40 }, (_, i) => `PING :flood-${i}`));
    await a.waitFor('Excess Flood', (m) => m.command === 'ERROR' && /Excess Flood/.test(m.params[0]!));
    await a.waitClosed();
  });

  it('answers the supervisor on its local socket when the TCP side is full', async () => {
    const port = await freePort();
    const dir = apart();
    await startService('irc', stack, [...dir, '--irc-port', String(port), '--irc-max-clients', '1']);
    const only = await RawIrcClient.register(port, 'only-one');
    const refused = await RawIrcClient.connect(port);
    await refused.waitFor('server full', (m) => m.command === 'ERROR' && /Server full/.test(m.params[0]!));
    const probe = new IrcProbe({ path: ircLocalSocket({ dataDir: dir[1]! }) });
    await probe.check(2000);
    await expect(new IrcProbe({ host: '127.0.0.1', port }).check(2000)).rejects.toThrow();
    only.close();
  });

  it('holds registration until PASS gives the server password (464 otherwise)', async () => {
    const port = await freePort();
    await startService('irc', stack, [...apart(), '--irc-port', String(port), '--irc-password', 'letmein']);
    const wrong = await RawIrcClient.connect(port);
    wrong.send('PASS nope', 'NICK wrongpass', 'USER w 0 * :w');
    await wrong.waitFor('464', numeric('464'));
    await wrong.waitClosed();
    const right = await RawIrcClient.connect(port);
    right.send('PASS letmein', 'NICK rightpass', 'USER r 0 * :r');
    await right.waitFor('001', numeric('001'));
    right.close();
  });
});

describe('IRC gateway: the hub restarts', () => {
  it('keeps the IRC connection, says so, and brings the names list up to date with who came back', async () => {
    const irc = await RawIrcClient.register(stack.ircPort, 'rita', ['server-time']);
    await irc.join('#resync');
    const hal = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('resync', 'hal')).ticket);
    await irc.waitFor('hal joins', (m) => m.command === 'JOIN' && m.source?.startsWith('hal!') === true);
    hal.send({ type: 'say', room: 'resync', text: 'before the crash', id: 1 });
    await irc.waitFor('before', (m) => m.command === 'PRIVMSG' && m.params[1] === 'before the crash');

    hub.kill('SIGKILL');
    await hub.exited;
    await irc.waitFor('notice: lost', (m) => m.command === 'NOTICE' && /Lost the connection to the chat hub/.test(m.params[1]!));
    // Asked while the hub is away: answered from what the gateway knows, not queued for an answer
    // that would never come (and would then be taken for the resync's below).
    const asked = irc.messages.length;
    irc.send('NAMES #resync');
    const names = await irc.waitFor('366 while the hub is away', (m) => m.command === '366', 5000, asked);
    expect(names.params[1]).toBe('#resync');
    hub = await startService('hub', stack, HUB_ARGS);
    await irc.waitFor('notice: back', (m) => m.command === 'NOTICE' && /Reconnected/.test(m.params[1]!), 15_000);
    // hal's connection died with the hub and did not come back: the resync shows him leaving.
    await irc.waitFor('hal parts', (m) => m.command === 'PART' && m.source?.startsWith('hal!') === true);
    const sam = await RawHubClient.hello(stack.hubPort, (await rooms.joinRoom('resync', 'sam')).ticket);
    await irc.waitFor('sam joins', (m) => m.command === 'JOIN' && m.source?.startsWith('sam!') === true);
    irc.send('PRIVMSG #resync :after the crash');
    await sam.waitFor('message from rita', (f) => f.type === 'message' && f.from === 'rita' && f.text === 'after the crash');
    expect(irc.closed).toBe(false);
    expect(irc.messages.filter((m) => m.command === 'JOIN' && m.source?.startsWith('rita!'))).toHaveLength(1);
    expect(irc.messages.filter((m) => m.command === 'PRIVMSG' && m.params[1] === 'before the crash')).toHaveLength(1);
    sam.close();
    irc.close();
  }, 40_000);
});
