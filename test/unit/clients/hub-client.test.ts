import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_CLIENT_TRANSITIONS, HubClient, type HubClientState } from '../../../src/clients/chat/hub-client.js';
import { socketHub } from '../../../src/clients/chat/socket-transport.js';
import { encodeFrame, type HubFrame } from '../../../src/protocol/frames.js';
import type { Admission } from '../../../src/protocol/rooms-api.js';
import { checkedTransition } from '../../../src/state/transition-table.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';

const STATES = Object.keys(HUB_CLIENT_TRANSITIONS) as HubClientState[];

/** A stand-in hub on a real socket that welcomes every hello and can drop its connections. */
class ScriptedHub {
  readonly sockets: net.Socket[] = [];
  hellos = 0;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(welcomes: (hub: ScriptedHub) => HubFrame[]): Promise<ScriptedHub> {
    const port = await freePort();
    const server = net.createServer();
    const hub = new ScriptedHub(server, port);
    server.on('connection', (socket) => {
      hub.sockets.push(socket);
      socket.on('error', () => undefined);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        if (!chunk.includes('"hello"')) return;
        hub.hellos++;
        socket.write(welcomes(hub).map(encodeFrame).join(''));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return hub;
  }

  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const admission = (port: number): Admission => ({
  room: 'study',
  user: 'alice',
  ticket: 't',
  expires_at: '2026-11-24T21:30:00.000Z',
  hub: { host: '127.0.0.1', port },
  members: ['alice'],
});
const welcome: HubFrame = { type: 'welcome', user: 'alice', rooms: ['study'], server: 'test' };

let hub: ScriptedHub | undefined;
let client: HubClient | undefined;
afterEach(async () => {
  client?.close();
  await hub?.close();
  client = hub = undefined;
});

function watch(target: HubClient): HubClientState[] {
  const seen: HubClientState[] = [];
  target.on('state', (state) => seen.push(state));
  return seen;
}

describe('the hub client state table', () => {
  it('names only known states, and closed is final', () => {
    for (const targets of Object.values(HUB_CLIENT_TRANSITIONS)) for (const to of targets) expect(STATES).toContain(to);
    expect(HUB_CLIENT_TRANSITIONS.closed).toEqual([]);
    for (const from of STATES.filter((state) => state !== 'closed')) expect(HUB_CLIENT_TRANSITIONS[from]).toContain('closed');
  });

  it('reaches ready only by greeting, and greets only after connecting', () => {
    expect(STATES.filter((from) => HUB_CLIENT_TRANSITIONS[from].includes('ready'))).toEqual(['greeting']);
    expect(STATES.filter((from) => HUB_CLIENT_TRANSITIONS[from].includes('greeting'))).toEqual(['connecting']);
  });

  it('refuses a move the table does not list', () => {
    expect(checkedTransition(HUB_CLIENT_TRANSITIONS, 'greeting', 'ready', 'hub client')).toBe('ready');
    expect(() => checkedTransition(HUB_CLIENT_TRANSITIONS, 'idle', 'ready', 'hub client')).toThrow(
      'hub client: idle → ready is not a transition',
    );
    expect(() => checkedTransition(HUB_CLIENT_TRANSITIONS, 'closed', 'connecting', 'hub client')).toThrow(/not a transition/);
  });
});

describe('the hub client on a real socket', () => {
  it('goes connecting → greeting → ready, and after a lost connection waits, reconnects and greets again', async () => {
    hub = await ScriptedHub.start(() => [welcome]);
    client = new HubClient({ connect: socketHub({ host: '127.0.0.1', port: hub.port }), initialBackoffMs: 10 });
    const seen = watch(client);
    client.start([admission(hub.port)]);
    await waitFor('ready', () => client!.state === 'ready');
    hub.dropAll();
    await waitFor('ready again', () => hub!.hellos === 2 && client!.state === 'ready');
    client.close();
    expect(seen).toEqual(['connecting', 'greeting', 'ready', 'waiting', 'connecting', 'greeting', 'ready', 'closed']);
  });

  it('ignores a second welcome on the same connection instead of changing state', async () => {
    hub = await ScriptedHub.start(() => [welcome, welcome]);
    client = new HubClient({ connect: socketHub({ host: '127.0.0.1', port: hub.port }) });
    const seen = watch(client);
    const frames: HubFrame[] = [];
    client.on('frame', (frame) => frames.push(frame));
    client.start([admission(hub.port)]);
    await waitFor('both welcomes', () => frames.filter((frame) => frame.type === 'welcome').length === 2);
    expect(seen).toEqual(['connecting', 'greeting', 'ready']);
  });

  it('refuses to start twice, and stays closed once closed', async () => {
    hub = await ScriptedHub.start(() => [welcome]);
    client = new HubClient({ connect: socketHub({ host: '127.0.0.1', port: hub.port }), initialBackoffMs: 10 });
    const seen = watch(client);
    client.start([admission(hub.port)]);
    expect(() => client!.start([admission(hub!.port)])).toThrow(/start\(\) is for an idle client; this one is connecting/);
    client.close();
    client.close();
    // The connection attempt under way ends with it, and does not bring the closed client back.
    await waitFor('the hub to see the client go', () => hub!.sockets.every((socket) => socket.readableEnded || socket.destroyed));
    expect(client.state).toBe('closed');
    expect(seen).toEqual(['connecting', 'closed']);
  });
});
