import { Push } from 'zeromq';
import { encodeEnvelope } from '../../src/events/envelope.js';

/**
 * Runs in its own process so that the publishing side never competes with the receiving side for
 * one event loop. Sends warm-up frames until told to go (the subscriber's slow-joiner window),
 * then `count` envelopes with ~100-byte payloads as fast as ZeroMQ takes them.
 * Usage: node publisher-driver.js <pull-port> <count>
 */
const [port, countArg] = process.argv.slice(2);
const count = Number(countArg);
const push = new Push({ sendHighWaterMark: 100_000, linger: 10_000 });
push.connect(`tcp://127.0.0.1:${port}`);

const frames = Array.from({ length: 1024 }, (_, i) =>
  Buffer.from(encodeEnvelope('room/bench', { type: 'note', source: 'cli', seq: i, text: 'x'.repeat(60) })),
);
let go = false;
process.on('message', (message) => {
  if (message === 'go') go = true;
});

const warmup = Buffer.from(encodeEnvelope('room/bench-warmup', { type: 'note' }));
while (!go) {
  await push.send(warmup);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const started = performance.now();
for (let i = 0; i < count; i++) await push.send(frames[i & 1023]!);
process.send?.({ sent: count, ms: performance.now() - started });
push.close();
process.disconnect?.();
