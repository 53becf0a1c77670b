import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomsClient, RoomsUnreachableError } from '../../../src/clients/rooms/rooms-client.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';

let server: net.Server | http.Server | undefined;
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

/** An HTTP server that answers every call with the same XML-RPC value. */
async function answeringServer(valueXml: string): Promise<number> {
  const port = await freePort();
  const body = `<?xml version="1.0"?><methodResponse><params><param><value>${valueXml}</value></param></params></methodResponse>`;
  server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'Content-Type': 'text/xml' }).end(body));
  });
  server.on('connection', (socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  return port;
}

describe('the room service client', () => {
  it('refuses an answer that is not what the API defines for the method, naming the likely cause', async () => {
    const port = await answeringServer(
      '<array><data><value><struct><member><name>name</name><value>x</value></member></struct></value></data></array>',
    );
    const client = new RoomsClient({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await expect(client.listRooms()).rejects.toThrow(/answered list_rooms with something else than docs\/rooms-rpc.md describes/);
    await expect(client.ping()).rejects.toThrow(/answered system.ping/);
  });

  it('accepts a well-formed answer', async () => {
    const port = await answeringServer(
      '<array><data><value><struct><member><name>name</name><value>x</value></member><member><name>topic</name><value></value></member><member><name>members</name><value><int>2</int></value></member><member><name>private</name><value><boolean>0</boolean></value></member></struct></value></data></array>',
    );
    const client = new RoomsClient({ host: '127.0.0.1', port, timeoutMs: 5000 });
    expect(await client.listRooms()).toEqual([{ name: 'x', topic: '', members: 2, private: false }]);
  });

  it('gives up on a call that gets no answer, and closes its connection rather than leaving it open', async () => {
    const { port, connections } = await silentServer();
    const client = new RoomsClient({ host: '127.0.0.1', port, timeoutMs: 200 });
    const failure = await client.ping().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoomsUnreachableError);
    expect((failure as Error).message).toContain('did not answer system.ping within 200 ms');
    expect(connections.length).toBeGreaterThan(0);
    // The server sees the client hang up: the request was aborted, not just forgotten.
    await waitFor('the client to close its socket', () => connections.every((socket) => socket.readableEnded || socket.destroyed), {
      timeoutMs: 5000,
    });
  });
});
