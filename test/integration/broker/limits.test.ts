import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Push, Subscriber } from 'zeromq';
import { encodeEnvelope } from '../../../src/events/envelope.js';
import { EventPublisher } from '../../../src/events/publisher.js';
import { EventCollector } from '../../helpers/events.js';
import { makeStackEnv, type StackEnv, serviceEntry, startProcess, startService, type TestProcess } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

const MiB = 1024 * 1024;
const started: Array<{ broker: TestProcess; stack: StackEnv }> = [];
const sockets: Array<{ close(): void }> = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const { broker, stack } of started.splice(0)) {
    broker.kill('SIGKILL');
    stack.cleanup();
  }
});

async function broker(flags: string[]): Promise<{ broker: TestProcess; stack: StackEnv }> {
  const stack = await makeStackEnv();
  const process = await startService('broker', stack, ['--stats-interval', '200ms', ...flags]);
  started.push({ broker: process, stack });
  return { broker: process, stack };
}

function pusher(stack: StackEnv): Push {
  const push = new Push({ linger: 0, sendTimeout: 2000, reconnectInterval: 50 });
  push.connect(`tcp://127.0.0.1:${stack.brokerPullPort}`);
  sockets.push(push);
  return push;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('event broker limits', () => {
  it('holds no more publishers than --max-publishers, counts the refused, and admits one when another leaves', async () => {
    const { stack } = await broker(['--max-publishers', '2']);
    const collector = new EventCollector(stack, ['room/cap', 'system/broker']);
    await collector.ready();
    // ready() published through a connection of its own; it must be gone before the cap is filled.
    const since = collector.events.length;
    await collector.waitFor(
      'no publisher connected',
      (e) => collector.events.indexOf(e) >= since && (e.payload as { publishers?: number }).publishers === 0,
    );
    const first = pusher(stack);
    const second = pusher(stack);
    await first.send(encodeEnvelope('room/cap', { type: 'note', from: 'first' }));
    await second.send(encodeEnvelope('room/cap', { type: 'note', from: 'second' }));
    await collector.waitFor('both admitted publishers', () => collector.events.filter((e) => e.topic === 'room/cap').length === 2);

    const third = new EventPublisher(`tcp://127.0.0.1:${stack.brokerPullPort}`, { lingerMs: 0 });
    sockets.push({ close: () => void third.close() });
    third.publishTo('room/cap', { type: 'note', from: 'third' });
    const stats = await collector.waitForType('broker.stats', (payload) => (payload.refused_connections as number) > 0);
    expect(stats.payload).toMatchObject({ publishers: 2 });
    expect(collector.events.some((e) => (e.payload as { from?: string }).from === 'third')).toBe(false);

    // ZeroMQ never retries a refused handshake; ThisCord's publisher asks again and gets in once one leaves.
    first.close();
    await waitFor(
      'the refused publisher, once there is room',
      () => {
        third.publishTo('room/cap', { type: 'note', from: 'third' });
        return collector.events.some((e) => (e.payload as { from?: string }).from === 'third');
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await collector.close();
  });

  it('keeps its memory within --max-queued-bytes while a subscriber stops reading and publishers flood it', async () => {
    const budget = 24 * MiB;
    const { broker: process, stack } = await broker([
      '--max-queued-bytes',
      String(budget),
      '--max-publishers',
      '8',
      '--max-subscribers',
      '4',
      '--max-event-bytes',
      String(16 * 1024),
    ]);
    // A subscriber that never reads: everything for it stays queued in the broker.
    const stalled = new Subscriber({ linger: 0, receiveHighWaterMark: 1 });
    stalled.connect(`tcp://127.0.0.1:${stack.brokerPubPort}`);
    stalled.subscribe('room/flood');
    sockets.push(stalled);
    const collector = new EventCollector(stack, ['system/broker']);
    await collector.ready();
    const baseline = rssBytes(process.pid);

    const payload = { type: 'note', text: 'x'.repeat(15 * 1024) };
    const frame = encodeEnvelope('room/flood', payload);
    const publishers = [pusher(stack), pusher(stack), pusher(stack), pusher(stack)];
    const perPublisher = 4000; // 4 × 4,000 × 15 KiB ≈ 234 MiB offered, far past the budget
    await Promise.all(
      publishers.map(async (push) => {
        for (let i = 0; i < perPublisher; i++) await push.send(frame);
      }),
    );
    const stats = await collector.waitForType(
      'broker.stats',
      (p) => (p.received as number) >= 4 * perPublisher && (p.published as number) >= 4 * perPublisher,
      20_000,
    );
    expect(stats.payload).toMatchObject({ subscribers: 2 });
    const growth = rssBytes(process.pid) - baseline;
    // The budget plus allocator and batching slack (46–52 MiB measured); unbounded, this grew by ~250 MiB.
    expect(growth).toBeLessThan(budget + 48 * MiB);
    await collector.close();
  });

  it('refuses to start with a budget that cannot hold one event per peer, naming the flags', async () => {
    const stack = await makeStackEnv();
    try {
      const process = startProcess(
        'broker',
        serviceEntry('broker'),
        ['--max-queued-bytes', String(64 * 1024), '--max-publishers', '1000'],
        stack.env,
      );
      await process.exited;
      expect(process.exit?.code).not.toBe(0);
      expect(process.output).toMatch(/--max-queued-bytes 65536 cannot hold even one event per peer; raise it to at least \d+/);
    } finally {
      stack.cleanup();
    }
  });
});
