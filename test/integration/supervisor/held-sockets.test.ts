import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeStackEnv, runCli, type StackEnv } from '../../helpers/processes.js';
import { RunningStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

const stacks: StackEnv[] = [];
afterEach(() => {
  for (const stack of stacks.splice(0)) stack.cleanup();
});

type Outcome = 'connected' | 'refused' | 'other';

function knock(port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'other'));
  });
}

/** Connects to `port` every few milliseconds until `until` holds (at most 15 s), counting each outcome. */
async function knockUntil(port: number, until: () => boolean): Promise<Record<Outcome, number>> {
  const counts: Record<Outcome, number> = { connected: 0, refused: 0, other: 0 };
  const deadline = Date.now() + 15_000;
  while (!until() && Date.now() < deadline) {
    counts[await knock(port)]++;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return counts;
}

/** A hub ping sent on a connection opened while no hub process runs: the next hub answers it. */
function hubPing(port: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${JSON.stringify({ type: 'ping', id: 'gap' })}\n`));
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const frame = JSON.parse(line) as { type?: string };
        if (frame.type === 'pong') {
          socket.destroy();
          resolve(frame);
        }
      }
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before a pong')));
  });
}

describe('the supervisor holds each service port across restarts', () => {
  it('refuses no connection while the hub and the room service are killed and restarted, and the next process serves what waited', async () => {
    const stack = await makeStackEnv();
    stacks.push(stack);
    const up = await RunningStack.up(stack, ['--only', 'broker,rooms,hub']);
    try {
      for (const [victim, port] of [
        ['hub', stack.hubPort],
        ['rooms', stack.roomsPort],
      ] as const) {
        const healthy = up.events('service.running', victim).length;
        process.kill(up.pids()[victim]!, 'SIGKILL');
        const waited = victim === 'hub' ? hubPing(port) : fetch(`http://127.0.0.1:${port}/RPC2`, { method: 'POST', body: ping() });
        const counts = await knockUntil(port, () => up.events('service.running', victim).length > healthy);
        expect(counts, victim).toMatchObject({ refused: 0, other: 0 });
        expect(counts.connected, `${victim}: connections made while it was down`).toBeGreaterThan(0);
        const answer = await waited;
        if (answer instanceof Response) expect(answer.status).toBe(200);
        else expect(answer).toMatchObject({ type: 'pong', id: 'gap' });
        // A first crash is restarted at once, not after the backoff.
        expect(up.events('service.backoff', victim).at(-1)).toMatchObject({ delay_ms: 0 });
      }
      // Stopped by hand, a service is not coming back by itself: its clients are refused, not kept waiting.
      expect((await runCli(['stop', 'hub'], stack.env)).exitCode).toBe(0);
      expect(await knock(stack.hubPort)).toBe('refused');
      expect((await runCli(['start', 'hub'], stack.env)).exitCode).toBe(0);
      await waitFor('the hub to answer again', () => hubPing(stack.hubPort).catch(() => undefined), { timeoutMs: 10_000 });
    } finally {
      up.proc.kill('SIGTERM');
      await up.proc.waitForExit();
    }
  }, 60_000);
});

function ping(): string {
  return '<?xml version="1.0"?><methodCall><methodName>system.ping</methodName><params></params></methodCall>';
}
