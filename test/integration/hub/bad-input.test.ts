import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHubClient } from '../../helpers/hub-client.js';
import { makeStackEnv, type StackEnv, startService, type TestProcess } from '../../helpers/processes.js';
import { TEST_SECRET, ticket } from '../../helpers/tickets.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
let hub: TestProcess;

beforeAll(async () => {
  stack = await makeStackEnv();
  hub = await startService(
    'hub',
    stack,
    ['--max-frame-bytes', '4096', '--max-text', '100', '--rate', '5', '--burst', '5', '--hello-timeout', '300ms'],
    { THISCORD_SECRET: TEST_SECRET },
  );
});

afterAll(() => stack.cleanup());

/** A member who watches the room while others misbehave: it must see every message, in order. */
async function watcher(room: string): Promise<{ sender: RawHubClient; reader: RawHubClient; check(count: number): Promise<void> }> {
  const sender = await RawHubClient.hello(stack.hubPort, ticket('steady-sender', room));
  const reader = await RawHubClient.hello(stack.hubPort, ticket('steady-reader', room));
  let sent = 0;
  return {
    sender,
    reader,
    async check(count: number) {
      for (let i = 0; i < count; i++) {
        // Within the rate limit: 5 a second with a burst of 5.
        if (sent % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 1000));
        sender.send({ type: 'say', room, text: `steady ${sent}`, id: sent });
        sent++;
      }
      await reader.waitFor(`${sent} messages`, () => reader.of('message').length >= sent, 10_000);
      expect(reader.of('message').map((m) => m.text)).toEqual(Array.from({ length: sent }, (_, i) => `steady ${i}`));
    },
  };
}

describe('hub under bad input', () => {
  it('answers malformed frames with error frames and keeps the connection usable', async () => {
    const client = await RawHubClient.hello(stack.hubPort, ticket('tester', 'bad-frames'));
    client.write('not json\n');
    client.write('[1,2,3]\n');
    client.write('{"type":"dance"}\n');
    client.write('{"type":"say","room":"bad-frames"}\n');
    client.write(Buffer.concat([Buffer.from('{"type":"say","text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    client.send({ type: 'say', room: 'bad-frames', text: 'x'.repeat(101), id: 'long' });
    await client.waitFor('six errors', () => client.of('error').length === 6);
    expect(client.of('error').map((e) => e.code)).toEqual([
      'bad_json',
      'bad_json',
      'unknown_type',
      'bad_field',
      'bad_json',
      'text_too_long',
    ]);
    client.send({ type: 'ping', id: 'still-alive' });
    await client.waitFor('pong', (f) => f.type === 'pong');
    client.close();
  });

  it('rate-limits a flooding connection without delivering the excess', async () => {
    const flooder = await RawHubClient.hello(stack.hubPort, ticket('flooder', 'flood-room'));
    const reader = await RawHubClient.hello(stack.hubPort, ticket('reader', 'flood-room'));
    for (let i = 0; i < 20; i++) flooder.send({ type: 'say', room: 'flood-room', text: `flood ${i}`, id: i });
    await flooder.waitFor('20 answers', () => flooder.of('ack').length + flooder.of('error').length === 20);
    const delivered = flooder.of('ack').length;
    expect(delivered).toBeGreaterThanOrEqual(5);
    expect(delivered).toBeLessThan(10);
    expect(flooder.of('error').every((e) => e.code === 'rate_limited')).toBe(true);
    await reader.waitFor('the delivered ones', () => reader.of('message').length === delivered);
    flooder.close();
    reader.close();
  });

  it('drops a connection whose line is too long, after saying why', async () => {
    const room = await watcher('long-lines');
    const endless = await RawHubClient.hello(stack.hubPort, ticket('endless', 'long-lines'));
    endless.write('{"type":"say","room":"long-lines","text":"');
    for (let i = 0; i < 10; i++) endless.write('a'.repeat(1000));
    await endless.waitClosed();
    expect(endless.of('error').map((e) => e.code)).toContain('frame_too_large');
    expect(endless.of('bye')).toEqual([{ type: 'bye', reason: 'frame_too_large' }]);
    await room.check(5);
    room.sender.close();
    room.reader.close();
  });

  it('survives random bytes, invalid UTF-8 and 1,000 bad frames while the room carries on', async () => {
    const room = await watcher('noisy');
    const noise: RawHubClient[] = [];
    for (let i = 0; i < 5; i++) {
      const client = await RawHubClient.connect(stack.hubPort);
      noise.push(client);
      client.write(randomBytes(2000));
    }
    const badUtf8 = await RawHubClient.hello(stack.hubPort, ticket('bad-utf8', 'noisy'));
    for (let i = 0; i < 50; i++) badUtf8.write(Buffer.from([0xff, 0xfe, 0xfd, 0x0a]));
    const thousand = await RawHubClient.hello(stack.hubPort, ticket('thousand', 'noisy'));
    for (let i = 0; i < 1000; i++) thousand.write(`{"type":${i % 2 ? '"nope"' : '}'}\n`);
    await room.check(10);
    await thousand.waitFor('1,000 errors', () => thousand.of('error').length === 1000, 10_000);
    await badUtf8.waitFor('50 errors', () => badUtf8.of('error').length === 50);
    expect(hub.exit).toBeNull();
    for (const client of [...noise, badUtf8, thousand, room.sender, room.reader]) client.close();
  });

  it('drops a client that never reads (slow consumer) while the rest of the room gets everything', async () => {
    // Loopback socket buffers absorb megabytes before the hub's own queue grows, so this sends plenty.
    const own = await makeStackEnv();
    const busy = await startService('hub', own, ['--rate', '100000', '--burst', '100000'], { THISCORD_SECRET: TEST_SECRET });
    const room = 'slow-room';
    const sink = await RawHubClient.hello(own.hubPort, ticket('never-reads', room));
    sink.socket.pause();
    const reader = await RawHubClient.hello(own.hubPort, ticket('fast-reader', room));
    const talker = await RawHubClient.hello(own.hubPort, ticket('talker', room));
    const text = 'y'.repeat(3900);
    const total = 6000;
    // In batches the reader keeps up with, so only the client that never reads falls behind.
    for (let sent = 0; sent < total; sent += 100) {
      for (let i = sent; i < sent + 100; i++) talker.send({ type: 'say', room, text, id: i });
      await reader.waitFor(`${sent + 100} messages`, () => reader.of('message').length >= sent + 100, 10_000);
    }
    await waitFor(
      'the slow consumer to be dropped',
      () => busy.lines.some((line) => line.user === 'never-reads' && line.msg === 'user logged out'),
      { timeoutMs: 20_000 },
    );
    await reader.waitFor(`all ${total} messages`, () => reader.of('message').length === total, 20_000);
    expect(reader.of('message').map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    talker.close();
    reader.close();
    sink.close();
    own.cleanup();
  }, 45_000);

  it('closes connections that never say hello', async () => {
    const silent = await RawHubClient.connect(stack.hubPort);
    await silent.waitClosed();
    expect(silent.of('bye')).toEqual([{ type: 'bye', reason: 'hello_timeout' }]);
  });
});

describe('hub connection limit', () => {
  it('refuses connections beyond --max-connections with an error, and serves the rest', async () => {
    const small = await makeStackEnv();
    await startService('hub', small, ['--max-connections', '3'], { THISCORD_SECRET: TEST_SECRET });
    const kept = await Promise.all([0, 1, 2].map((i) => RawHubClient.hello(small.hubPort, ticket(`u${i}`, 'full'))));
    const extra = await RawHubClient.connect(small.hubPort);
    expect(await extra.waitFor('error', (f) => f.type === 'error')).toMatchObject({ code: 'too_many_connections' });
    await extra.waitClosed();
    kept[0]!.send({ type: 'say', room: 'full', text: 'still fine', id: 1 });
    await kept[1]!.waitFor('message', (f) => f.type === 'message');
    for (const client of kept) client.close();
    small.cleanup();
  });
});
