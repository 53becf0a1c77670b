import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { RawHubClient } from '../../helpers/hub-client.js';
import { startLoneHub } from '../../helpers/lone-hub.js';
import { malformedFrames } from '../../helpers/malformed-frames.js';
import { freePort } from '../../helpers/ports.js';
import { makeStackEnv, type StackEnv, startChatServices, startService } from '../../helpers/processes.js';
import { ticket } from '../../helpers/tickets.js';
import { RawWebClient } from '../../helpers/web-client.js';

let stack: StackEnv;
let rooms: RoomsClient;
let webPort: number;
let page: string;

/** The hub's and the web service's shared limit: one variable sets both, as it does under the supervisor. */
const LIMITS = { THISCORD_MAX_FRAME_BYTES: '4096' };

beforeAll(async () => {
  stack = await makeStackEnv();
  await startChatServices(stack, ['--max-text', '100', '--rate', '5', '--burst', '5'], LIMITS);
  webPort = await freePort();
  page = `http://127.0.0.1:${webPort}`;
  await startService('web', stack, ['--web-port', String(webPort), '--web-clients-per-address', '40'], LIMITS);
  rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
});

afterAll(() => stack.cleanup());

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${page}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: page, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('web service: the page', () => {
  it('serves the page with a strict Content-Security-Policy and security headers', async () => {
    const response = await fetch(`${page}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    // No inline script: every script has a src on this origin.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script type="module" src="/app/services/web/client/main.js">']);
  });

  it('answers shareable room links with the page, and serves only the files it was built with', async () => {
    expect((await fetch(`${page}/r/study-group`)).status).toBe(200);
    expect((await fetch(`${page}/app/services/web/client/main.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${page}/app/src/clients/terminal-text.js`)).status).toBe(200);
    // Server code is not part of the client build, so it is not there to fetch.
    expect((await fetch(`${page}/app/services/web/service.js`)).status).toBe(404);
    expect((await fetch(`${page}/app/src/tickets/secret.js`)).status).toBe(404);
    expect((await fetch(`${page}/r/not a room`)).status).toBe(404);
    expect((await fetch(`${page}/%2e%2e/package.json`)).status).toBe(404);
  });

  it('refuses requests for a Host it does not serve (DNS rebinding)', async () => {
    // fetch() will not send another Host, so this goes through node:http.
    const status = (host: string) =>
      new Promise<number | undefined>((resolve, reject) =>
        http
          .get({ host: '127.0.0.1', port: webPort, path: '/api/rooms', headers: { Host: host } }, (response) => {
            response.resume();
            resolve(response.statusCode);
          })
          .on('error', reject),
      );
    expect(await status('attacker.example')).toBe(421);
    expect(await status(`attacker.example:${webPort}`)).toBe(421);
    expect(await status(`localhost:${webPort}`)).toBe(200);
  });
});

describe('web service: the room API', () => {
  it('creates, lists, refuses a wrong passphrase, admits the right one, and lets the owner kick and delete', async () => {
    const created = await post('/api/rooms', { name: 'api-room', user: 'olga', passphrase: 'open sesame', ttl_seconds: 600, topic: 'T' });
    expect(created.status).toBe(200);
    const room = (await created.json()) as Record<string, unknown>;
    expect(room).toMatchObject({ room: 'api-room', user: 'olga', private: true });
    expect(typeof room.ticket).toBe('string');
    expect(typeof room.owner_key).toBe('string');
    expect(room.hub).toBeUndefined();
    const listed = (await (await fetch(`${page}/api/rooms`)).json()) as { rooms: { name: string }[] };
    expect(listed.rooms.map((r) => r.name)).toContain('api-room');
    const wrong = await post('/api/rooms/api-room/join', { user: 'pete', passphrase: 'guess' });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: 'wrong_passphrase' } });
    const right = await post('/api/rooms/api-room/join', { user: 'pete', passphrase: 'open sesame' });
    expect(right.status).toBe(200);
    const info = await post('/api/rooms/api-room/info', { ticket: room.ticket });
    expect(await info.json()).toMatchObject({ name: 'api-room', topic: 'T', owner: 'olga' });
    expect((await post('/api/rooms/api-room/kick', { owner_key: 'not-the-key', user: 'pete' })).status).toBe(403);
    expect((await post('/api/rooms/api-room/kick', { owner_key: room.owner_key, user: 'pete' })).status).toBe(200);
    expect((await post('/api/rooms/api-room/delete', { owner_key: room.owner_key })).status).toBe(200);
    expect(await (await post('/api/rooms/api-room/join', { user: 'pete' })).json()).toMatchObject({ error: { code: 'no_such_room' } });
  });

  it('refuses changes without the page’s Origin, bodies that are not JSON, and bodies over the limit', async () => {
    expect((await post('/api/rooms', { name: 'x1', user: 'u' }, { Origin: 'http://attacker.example' })).status).toBe(403);
    expect((await post('/api/rooms', 'name=x2&user=u', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('/api/rooms', '{"name":')).status).toBe(400);
    expect((await post('/api/rooms', { name: 'x3', user: 'u', topic: 'y'.repeat(20_000) })).status).toBe(413);
    expect(await (await post('/api/rooms', { name: 'x4', user: 7 })).json()).toMatchObject({ error: { code: 'bad_request' } });
    expect((await fetch(`${page}/api/rooms`, { method: 'DELETE', headers: { Origin: page } })).status).toBe(405);
  });
});

describe('web service: the hub over WebSocket', () => {
  it('accepts WebSocket connections only from the page’s own origin, at /hub', async () => {
    await expect(RawWebClient.connect(webPort, null)).rejects.toThrow(/HTTP 403/);
    await expect(RawWebClient.connect(webPort, 'http://attacker.example')).rejects.toThrow(/HTTP 403/);
    await expect(RawWebClient.connect(webPort, page, '/elsewhere')).rejects.toThrow(/HTTP 404/);
    (await RawWebClient.connect(webPort)).close();
  });

  it('puts a browser and a terminal client in one room: acks, relays, history and presence both ways', async () => {
    const created = await rooms.createRoom('mixed', 'tess', { passphrase: 'pw' });
    const tcp = await RawHubClient.hello(stack.hubPort, created.ticket);
    tcp.send({ type: 'say', room: 'mixed', text: 'before you came', id: 't0' });
    await tcp.waitFor('ack', (f) => f.type === 'ack');
    const web = await RawWebClient.hello(webPort, (await rooms.joinRoom('mixed', 'wanda', { passphrase: 'pw' })).ticket);
    const history = await web.waitFor('history', (f) => f.type === 'history');
    expect(history.type === 'history' && history.messages.map((m) => m.text)).toEqual(['before you came']);
    await tcp.waitFor('wanda joins', (f) => f.type === 'presence' && f.user === 'wanda' && f.event === 'join');
    web.send({ type: 'say', room: 'mixed', text: 'hello from a browser', id: 'w1' });
    expect(await web.waitFor('ack', (f) => f.type === 'ack')).toMatchObject({ id: 'w1', room: 'mixed', seq: 2 });
    expect(await tcp.waitFor('message', (f) => f.type === 'message')).toMatchObject({
      from: 'wanda',
      text: 'hello from a browser',
      seq: 2,
    });
    tcp.send({ type: 'say', room: 'mixed', text: 'hello from a terminal', id: 't1' });
    expect(await web.waitFor('message', (f) => f.type === 'message')).toMatchObject({ from: 'tess', text: 'hello from a terminal' });
    web.send({ type: 'who', room: 'mixed' });
    expect(await web.waitFor('who', (f) => f.type === 'who')).toEqual({ type: 'who', room: 'mixed', users: ['tess', 'wanda'] });
    web.close();
    await tcp.waitFor('wanda leaves', (f) => f.type === 'presence' && f.user === 'wanda' && f.event === 'leave');
    tcp.close();
  });

  it('gives a browser exactly the errors a TCP client gets for the same bad input', async () => {
    const malformed = malformedFrames('limits');
    const badInput: (string | Buffer)[] = [
      ...malformed.map((m) => m.raw),
      JSON.stringify({ type: 'say', room: 'elsewhere', text: 'hi', id: 'away' }),
      ...Array.from({ length: 7 }, (_, i) => JSON.stringify({ type: 'say', room: 'limits', text: `burst ${i}`, id: i })),
      `{"type":"say","room":"limits","text":"${'y'.repeat(4100)}"}`,
    ];
    const admit = async (user: string) => (await rooms.joinRoom('limits', user)).ticket;
    await rooms.createRoom('limits', 'owner');
    const tcp = await RawHubClient.hello(stack.hubPort, await admit('over-tcp'));
    const web = await RawWebClient.hello(webPort, await admit('over-web'));
    for (const raw of badInput) {
      tcp.write(Buffer.concat([Buffer.from(raw), Buffer.from('\n')]));
      web.write(raw);
    }
    await tcp.waitFor('bye', (f) => f.type === 'bye');
    await web.waitFor('bye', (f) => f.type === 'bye');
    const codes = (frames: { type: string; code?: string; reason?: string }[]) =>
      frames.filter((f) => f.type === 'error' || f.type === 'bye').map((f) => f.code ?? `bye ${f.reason}`);
    expect(codes(tcp.frames)).toEqual([
      ...malformed.map((m) => m.code),
      'not_in_room',
      'rate_limited',
      'rate_limited',
      'frame_too_large',
      'bye frame_too_large',
    ]);
    expect(codes(web.frames)).toEqual(codes(tcp.frames));
    expect((await web.waitClosed()).code).toBe(1000);
  });

  it('refuses a message with a raw line break as bad_json (one message is one frame), and keeps the connection', async () => {
    const web = await RawWebClient.hello(webPort, (await rooms.createRoom('one-frame', 'nina')).ticket);
    web.write('{"type":"ping",\n"id":1}');
    expect(await web.waitFor('error', (f) => f.type === 'error')).toMatchObject({ code: 'bad_json' });
    web.send({ type: 'ping', id: 2 });
    expect(await web.waitFor('pong', (f) => f.type === 'pong')).toEqual({ type: 'pong', id: 2 });
    // One refusal for the one message (the hub would have seen two broken lines).
    expect(web.of('error')).toEqual([{ type: 'error', code: 'bad_json', message: expect.stringMatching(/one frame/) }]);
    web.close();
  });

  it('closes a message of more than twice the frame limit at the WebSocket layer (1009) without reading it whole', async () => {
    const web = await RawWebClient.connect(webPort);
    web.write('z'.repeat(2 * 4096 + 1));
    expect((await web.waitClosed()).code).toBe(1009);
  });

  it('caps WebSocket connections per address', async () => {
    const port = await freePort();
    await startService('web', stack, ['--web-port', String(port), '--web-clients-per-address', '2']);
    const first = await RawWebClient.connect(port);
    const second = await RawWebClient.connect(port);
    await expect(RawWebClient.connect(port)).rejects.toThrow(/HTTP 429/);
    first.close();
    await first.waitClosed();
    const third = await RawWebClient.connect(port).catch(async () => {
      // The service may see the close a moment after the client does.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return RawWebClient.connect(port);
    });
    second.close();
    third.close();
  });
});

describe('web service: backpressure through the bridge', () => {
  it('lets the hub drop a browser that stops reading as slow_consumer, while a reading browser gets everything', async () => {
    // The hub signs nothing here: tickets come from the test's secret; --grace 0 logs the drop at once.
    const { stack: own, hub } = await startLoneHub([
      '--rate',
      '100000',
      '--burst',
      '100000',
      '--max-output-bytes',
      String(256 * 1024),
      '--grace',
      '0',
    ]);
    await startService('web', own);
    const room = 'slow-room';
    const sink = await RawWebClient.hello(own.webPort, ticket('never-reads', room));
    sink.socket.pause();
    const reader = await RawWebClient.hello(own.webPort, ticket('fast-reader', room));
    const talker = await RawHubClient.hello(own.hubPort, ticket('talker', room));
    const text = 'y'.repeat(3900);
    const loggedOut = () => hub.lines.find((line) => line.user === 'never-reads' && line.msg === 'user logged out');
    let sent = 0;
    // In batches the reader keeps up with, so only the browser that stopped reading falls behind:
    // its socket buffers fill, then the bridge's high-water mark, then the hub's output limit.
    for (let batch = 0; !loggedOut(); batch++) {
      if (batch === 100) throw new Error(`the sink was not dropped after ${sent} messages`);
      for (let i = 0; i < 50; i++) talker.send({ type: 'say', room, text, id: sent++ });
      await reader.waitFor(`${sent} messages`, () => reader.of('message').length >= sent, 10_000);
    }
    expect(loggedOut()).toMatchObject({ reason: 'slow_consumer' });
    await reader.waitFor('the sink leaves', (f) => f.type === 'presence' && f.user === 'never-reads' && f.event === 'leave');
    expect(reader.of('message').map((m) => m.seq)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    talker.close();
    reader.close();
    sink.socket.terminate();
    own.cleanup();
  }, 60_000);
});
