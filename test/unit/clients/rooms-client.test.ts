import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomsClient, RoomsUnreachableError } from '../../../src/clients/rooms/rooms-client.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';

let server: net.Server | undefined;
const accepted: net.Socket[] = [];

afterEach(async () => {
  for (const socket of accepted.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A TCP server that accepts and reads requests but never answers them. */
async function silentServer(): Promise<{ port: number; connections: net.Socket[] }> {
  const port = await freePort();
  const connections: net.Socket[] = [];
  server = net.createServer((socket) => {
    connections.push(socket);
    accepted.push(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  return { port, connections };
}

describe('the room service client', () => {
  it('gives up on a call that gets no answer, and closes its connection rather than leaving it open', async () => {
    const { port, connections } = await silentServer();
    const client = new RoomsClient({ host: '127.0.0.1', port, timeoutMs: 200 });
    const failure = await client.ping().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoomsUnreachableError);
    expect((failure as Error).message).toContain('did not answer system.ping within 200 ms');
    expect(connections).toHaveLength(1);
    // The server sees the client hang up: the request was aborted, not just forgotten.
    await waitFor('the client to close its socket', () => connections[0]!.readableEnded || connections[0]!.destroyed, { timeoutMs: 5000 });
  });
});
