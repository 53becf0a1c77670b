import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Push, Subscriber } from 'zeromq';
import { decodePublished, encodeEnvelope } from '../../../src/events/envelope.js';
import { EventCollector } from '../../helpers/events.js';
import { makeStackEnv, type StackEnv, startService, type TestProcess } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
let broker: TestProcess;

beforeAll(async () => {
  stack = await makeStackEnv();
  broker = await startService('broker', stack, ['--stats-interval', '300ms', '--max-event-bytes', '4096']);
});

afterAll(() => {
  broker.kill('SIGKILL');
  stack.cleanup();
});

function pusher(): Push {
  const push = new Push({ linger: 2000 });
  push.connect(`tcp://127.0.0.1:${stack.brokerPullPort}`);
  return push;
}

describe('event broker', () => {
  it('delivers 10,000 events from one publisher to a prefix subscriber complete and in order', async () => {
    const collector = new EventCollector(stack, ['room/bulk']);
    await collector.ready();
    const push = pusher();
    const total = 10_000;
    for (let i = 0; i < total; i++) await push.send(encodeEnvelope('room/bulk', { type: 'note', seq: i }));
    await waitFor('10,000 events', () => collector.events.filter((e) => e.topic === 'room/bulk').length >= total, { timeoutMs: 20_000 });
    const seqs = collector.events.filter((e) => e.topic === 'room/bulk').map((e) => (e.payload as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
    push.close();
    await collector.close();
  });

  it('delivers only topics that match the subscribed prefix', async () => {
    const rooms = new EventCollector(stack, ['room/']);
    await rooms.ready();
    const push = pusher();
    for (const topic of ['room/a', 'user/alice', 'system/x', 'roomy', 'room/b'])
      await push.send(encodeEnvelope(topic, { type: 'note', topic }));
    await rooms.waitFor('room/b', (e) => e.topic === 'room/b');
    expect(rooms.events.filter((e) => !e.topic.startsWith('system/health/')).map((e) => e.topic)).toEqual(['room/a', 'room/b']);
    push.close();
    await rooms.close();
  });

  it('forwards the raw two-frame format that the seed Python subscriber reads', async () => {
    const sub = new Subscriber({ linger: 0 });
    sub.connect(`tcp://127.0.0.1:${stack.brokerPubPort}`);
    sub.subscribe('room/general');
    const push = pusher();
    const received = (async () => {
      const frames = await sub.receive();
      return frames.map((frame) => frame.toString('utf8'));
    })();
    await waitFor('the subscription to go live', async () => {
      await push.send(JSON.stringify({ topic: 'room/general', payload: { user: 'alice', action: 'joined' } }));
      return Promise.race([received.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 50))]);
    });
    expect(await received).toEqual(['room/general', '{"user":"alice","action":"joined"}']);
    push.close();
    sub.close();
  });

  it('drops and counts garbage frames while valid traffic keeps flowing', async () => {
    const events = new EventCollector(stack, ['room/mixed', 'system/broker']);
    await events.ready();
    const push = pusher();
    const garbage: (string | Buffer | Buffer[])[] = [
      'not json',
      '{"payload":"no topic"}',
      '{"topic":"","payload":1}',
      JSON.stringify({ topic: 'room/mixed', payload: 'x'.repeat(5000) }),
      Buffer.from([0xff, 0x00, 0xfe, 0x80]),
      [Buffer.from('{"topic":"room/mixed"}'), Buffer.from('second frame')],
    ];
    for (let i = 0; i < 20; i++) {
      for (const frame of garbage) await push.send(frame);
      await push.send(encodeEnvelope('room/mixed', { type: 'note', i }));
    }
    await events.waitFor('all valid events', () => events.events.filter((e) => e.topic === 'room/mixed').length >= 20);
    expect(events.events.filter((e) => e.topic === 'room/mixed').map((e) => (e.payload as { i: number }).i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    const stats = await events.waitForType('broker.stats', (p) => (p.dropped as number) >= 120);
    expect((stats.payload as { dropped_by_reason: Record<string, number> }).dropped_by_reason).toMatchObject({
      bad_json: 20,
      no_topic: 40,
      too_large: 20,
      bad_utf8: 20,
      bad_frames: 20,
    });
    await waitFor('a rate-limited drop warning', () => broker.lines.some((line) => line.level === 40 && typeof line.dropped === 'number'));
    expect(broker.lines.filter((line) => line.level === 40).length).toBeLessThan(10);
    expect(broker.exit).toBeNull();
    push.close();
    await events.close();
  });

  it('carries a health probe on system/health/<nonce> back out to the subscriber of that nonce alone', async () => {
    const nonce = randomUUID();
    const mine = new Subscriber({ linger: 0 });
    mine.connect(`tcp://127.0.0.1:${stack.brokerPubPort}`);
    mine.subscribe(`system/health/${nonce}`);
    const push = pusher();
    const probe = { type: 'health.probe', nonce };
    const received = mine.receive();
    // Repeated until the fresh subscription is live (ZeroMQ's slow joiner); another nonce is sent
    // alongside every time, and must not reach this subscriber.
    await waitFor('the probe to come back', async () => {
      await push.send(encodeEnvelope(`system/health/${randomUUID()}`, { type: 'health.probe', nonce: 'other' }));
      await push.send(encodeEnvelope(`system/health/${nonce}`, probe));
      return Promise.race([received.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 50))]);
    });
    const [topic, payload] = await received;
    expect(decodePublished(topic!, payload)).toEqual({ topic: `system/health/${nonce}`, payload: probe });
    push.close();
    mine.close();
  });

  it('exits 0 within a second of SIGTERM', async () => {
    const own = await makeStackEnv();
    const proc = await startService('broker', own);
    const asked = Date.now();
    proc.kill('SIGTERM');
    const exit = await proc.waitForExit(5000);
    expect(exit.code).toBe(0);
    expect(Date.now() - asked).toBeLessThan(1000);
    own.cleanup();
  });

  it('fails to start with a sentence naming the flag when its port is taken', async () => {
    const clash = await makeStackEnv();
    const first = await startService('broker', clash);
    const second = await import('../../helpers/processes.js').then((m) =>
      m.startProcess('broker-2', m.serviceEntry('broker'), [], clash.env),
    );
    const exit = await second.waitForExit();
    expect(exit.code).toBe(1);
    expect(second.output).toMatch(
      new RegExp(`port ${clash.brokerPubPort} is already in use \\(broker PUB\\); pass --broker-pub-port or stop the other process`),
    );
    first.kill('SIGKILL');
    clash.cleanup();
  });
});

describe('decodePublished', () => {
  it('parses the payload frame as JSON', () => {
    expect(decodePublished(Buffer.from('room/x'), Buffer.from('{"a":1}'))).toEqual({ topic: 'room/x', payload: { a: 1 } });
  });
});
