import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, type ConnectionHandler } from '../../../services/hub/connection.js';
import type { HubLimits } from '../../../services/hub/limits.js';
import { TurnSlices } from '../../../services/hub/turn-slices.js';
import type { ClientFrame } from '../../../src/protocol/frames.js';
import { waitFor } from '../../helpers/wait.js';

const limits: HubLimits = {
  maxFrameBytes: 64 * 1024,
  maxTextChars: 4000,
  ratePerSecond: 20,
  rateBurst: 40,
  maxConnections: 10,
  maxConnectionsPerAddress: 10,
  maxConnectionsPerUser: 10,
  maxOutputBytes: 1024 * 1024,
  idleTimeoutMs: 60_000,
  pingTimeoutMs: 10_000,
  helloTimeoutMs: 5000,
  historySize: 0,
  graceMs: 100,
  presenceLimit: 200,
  presenceIntervalMs: 1000,
  turnSliceMs: 5,
};

/** A hub that is behind: every input waits, and the test says when its turn comes. */
class BehindSlices extends TurnSlices {
  readonly waiting: (() => void)[] = [];
  override crowded(): boolean {
    return true;
  }
  override add(task: () => void): void {
    this.waiting.push(task);
  }
}

const sockets: net.Socket[] = [];
const servers: net.Server[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
});

/** A connected pair on loopback: the hub's side and the client's. */
async function pair(): Promise<{ hubSide: net.Socket; client: net.Socket }> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const hubSide = await accepted;
  sockets.push(client, hubSide);
  return { hubSide, client };
}

function admitted(socket: net.Socket, slices: TurnSlices, origin: 'tcp' | 'local') {
  const frames: ClientFrame[] = [];
  const handler: ConnectionHandler = { onFrame: (_, frame) => void frames.push(frame), onClosed: () => {}, onRefused: () => {} };
  const connection = new Connection(socket, limits, handler, slices, origin);
  connection.activate('alice');
  return { connection, frames };
}

describe('a connection of a hub that is behind', () => {
  it('holds TCP input, its socket paused, until its turn, then reads it in order and reads on', async () => {
    const { hubSide, client } = await pair();
    const slices = new BehindSlices(5);
    const { frames } = admitted(hubSide, slices, 'tcp');
    client.write('{"type":"ping","id":1}\n');
    await waitFor('the input to wait its turn', () => slices.waiting.length === 1);
    expect(frames).toEqual([]);
    expect(hubSide.isPaused()).toBe(true);
    client.write('{"type":"ping","id":2}\n');
    slices.waiting.shift()!();
    expect(frames.map((frame) => frame.type === 'ping' && frame.id)).toContain(1);
    expect(hubSide.isPaused()).toBe(false);
    // The second ping was read with the first, or it waits its own turn now.
    await waitFor('the second ping read or waiting', () => frames.length === 2 || slices.waiting.length === 1);
    slices.waiting.shift()?.();
    await waitFor('the second ping', () => frames.length === 2);
    expect(frames.map((frame) => frame.type === 'ping' && frame.id)).toEqual([1, 2]);
  });

  it('reads input from the local socket (probes, gateways) at once', async () => {
    const { hubSide, client } = await pair();
    const slices = new BehindSlices(5);
    const { frames } = admitted(hubSide, slices, 'local');
    client.write('{"type":"ping","id":"probe"}\n');
    await waitFor('the probe', () => frames.length === 1);
    expect(slices.waiting).toEqual([]);
  });
});
