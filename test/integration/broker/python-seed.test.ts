import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStackEnv, ROOT, type StackEnv, startService } from '../../helpers/processes.js';
import { requireTool } from '../../helpers/requirements.js';
import { waitFor } from '../../helpers/wait.js';

/** Debian's own Python, where python3-zmq puts pyzmq (a pyenv python3 earlier on PATH would lack it). */
function pythonWithZmq(): string {
  requireTool('python3-zmq');
  return '/usr/bin/python3';
}

const seed = (name: string): string => path.join(ROOT, 'test/integration/broker/seed', name);
let stack: StackEnv;
let python: string;

beforeAll(async () => {
  python = pythonWithZmq();
  stack = await makeStackEnv();
  await startService('broker', stack, ['--stats-interval', '0']);
});

afterAll(() => stack.cleanup());

describe("the seed's Python publisher and subscriber", () => {
  it('talk through the broker unchanged', async () => {
    const lines: string[] = [];
    const subscriber: ResultPromise = execa(python, [seed('subscriber.py'), String(stack.brokerPubPort), 'room/'], {
      buffer: false,
      reject: false,
    });
    subscriber.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    try {
      // The publisher sends one event and exits, as in the seed; repeat until the fresh subscription is live.
      let sent = 0;
      await waitFor(
        'the Python subscriber to print an event',
        async () => {
          await execa(python, [seed('publisher.py'), String(stack.brokerPullPort), String(++sent)], { timeout: 10_000 });
          return lines.length > 0;
        },
        { timeoutMs: 20_000, intervalMs: 0 },
      );
      // Once the subscription is live, every later event arrives: one more, then every line printed
      // is exactly one the publisher sent, each once, in order, ending with that last one.
      await execa(python, [seed('publisher.py'), String(stack.brokerPullPort), String(++sent)], { timeout: 10_000 });
      await waitFor(`event ${sent} at the subscriber`, () => lines.some((line) => line.includes(`"n": ${sent}}`)), { timeoutMs: 10_000 });
      const received = lines.map((line) => JSON.parse(line) as unknown);
      const first = sent - received.length + 1;
      expect(received).toEqual(
        Array.from({ length: received.length }, (_, i) => ({
          topic: 'room/general',
          payload: { user: 'alice', action: 'joined', n: first + i },
        })),
      );
      expect(first).toBeGreaterThanOrEqual(1);
    } finally {
      subscriber.kill('SIGKILL');
      await subscriber;
    }
  });
});
