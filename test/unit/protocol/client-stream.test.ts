import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientStream } from '../../../src/protocol/client-stream.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A loopback connection: the server's socket wrapped in a ClientStream, and what the client received. */
async function connected(maxOutputBytes: number) {
  const server = net.createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  const socket = await accepted;
  cleanups.push(() => {
    client.destroy();
    socket.destroy();
    server.close();
  });
  const seen = { data: [] as Buffer[], gone: 0, received: '', ended: false };
  client.on('data', (chunk: Buffer) => {
    seen.received += chunk.toString('utf8');
  });
  client.on('end', () => {
    seen.ended = true;
  });
  const stream = new ClientStream(
    socket,
    maxOutputBytes,
    (chunk) => seen.data.push(chunk),
    () => seen.gone++,
  );
  return { client, socket, stream, seen };
}

/** Every chunk written to `socket` from now on. */
function recordWrites(socket: net.Socket): unknown[] {
  const writes: unknown[] = [];
  const write = socket.write.bind(socket);
  socket.write = ((chunk: unknown, ...rest: never[]) => {
    writes.push(chunk);
    return write(chunk as Buffer, ...rest);
  }) as typeof socket.write;
  return writes;
}

describe('a client stream', () => {
  it('sends what was queued in one turn in one write, on the next tick', async () => {
    const { socket, stream, seen } = await connected(1024);
    const writes = recordWrites(socket);
    for (const line of ['a\n', 'b\n', 'c\n']) stream.queue(Buffer.from(line));
    expect(writes).toHaveLength(0);
    await waitFor('three lines', () => seen.received === 'a\nb\nc\n');
    expect(writes).toHaveLength(1);
  });

  it('takes lines of text as well, joined into the same one write, and counts their bytes, not their characters', async () => {
    const { socket, stream, seen } = await connected(8);
    const writes = recordWrites(socket);
    expect(stream.queue('é\n')).toBe(true);
    expect(stream.queue(Buffer.from('b\n'))).toBe(true);
    expect(stream.queue('ü\n')).toBe(true);
    // 3 + 2 + 3 bytes fill the 8 allowed; one more is too many.
    expect(stream.queue('x')).toBe(false);
    await waitFor('every line', () => seen.received === 'é\nb\nü\nx');
    expect(writes).toHaveLength(1);
  });

  it('says a client is too slow once more output waits than it may have', async () => {
    const { stream } = await connected(10);
    expect(stream.queue(Buffer.from('0123456789'))).toBe(true);
    expect(stream.queue(Buffer.from('x'))).toBe(false);
  });

  it('ends with what was queued and then the last word, or the last word alone for a client too slow', async () => {
    const kept = await connected(1024);
    kept.stream.queue(Buffer.from('queued\n'));
    kept.stream.end('bye\n', false);
    await waitFor('end', () => kept.seen.ended);
    expect(kept.seen.received).toBe('queued\nbye\n');

    const dropped = await connected(1024);
    dropped.stream.queue(Buffer.from('queued\n'));
    dropped.stream.end('bye\n', true);
    await waitFor('end', () => dropped.seen.ended);
    expect(dropped.seen.received).toBe('bye\n');
  });

  it('hands on what the client sends, and says when it has gone', async () => {
    const { client, seen } = await connected(1024);
    client.write('hello\n');
    await waitFor('data', () => seen.data.length > 0);
    expect(Buffer.concat(seen.data).toString()).toBe('hello\n');
    client.destroy();
    await waitFor('gone', () => seen.gone > 0);
  });
});
