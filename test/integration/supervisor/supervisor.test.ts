import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventCollector } from '../../helpers/events.js';
import { RawIrcClient } from '../../helpers/irc-client.js';
import { makeStackEnv, type StackEnv } from '../../helpers/processes.js';
import { isAlive, RunningStack } from '../../helpers/stack.js';
import { sleep, waitFor } from '../../helpers/wait.js';

const SERVICES = ['broker', 'rooms', 'hub', 'irc', 'web'] as const;
const stacks: StackEnv[] = [];

async function freshStack(): Promise<StackEnv> {
  const stack = await makeStackEnv();
  stacks.push(stack);
  return stack;
}

afterEach(() => {
  for (const stack of stacks.splice(0)) stack.cleanup();
});

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('thiscord up', () => {
  it('starts broker, rooms, hub, the IRC gateway and the web service at once, and restarts each after kill -9 without touching the others', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack);
    expect(
      up
        .events('service.running')
        .map((line) => line.service)
        .sort(),
    ).toEqual([...SERVICES].sort());
    // All were started before the first was healthy: none waited for another.
    const firstHealthy = up.proc.lines.findIndex((line) => line.event === 'service.running');
    expect(up.events('service.starting').filter((line) => up.proc.lines.indexOf(line) < firstHealthy)).toHaveLength(SERVICES.length);
    expect(up.events('supervisor.up')[0]).toMatchObject({ services: [...SERVICES] });
    const endpoints = await up.proc.waitForLine('the endpoints record', (line) => line.endpoints !== undefined);
    expect(endpoints.endpoints).toMatchObject({ irc: `irc://127.0.0.1:${stack.ircPort}`, web: `http://127.0.0.1:${stack.webPort}/` });
    (await RawIrcClient.register(stack.ircPort, 'up-check')).close();
    expect((await fetch(`http://127.0.0.1:${stack.webPort}/`)).status).toBe(200);
    const events = new EventCollector(stack, ['system/']);
    await events.ready();
    for (const victim of SERVICES) {
      const before = up.pids();
      const mark = up.mark();
      const healthyCount = up.events('service.running', victim).length;
      process.kill(before[victim]!, 'SIGKILL');
      const pid = await up.healthyAgain(victim, healthyCount);
      expect(pid).not.toBe(before[victim]);
      expect(up.others(before, mark, victim)).toEqual(
        SERVICES.filter((s) => s !== victim).map((service) => ({ service, exits: 0, alive: true })),
      );
      // Lifecycle events reach subscribers; the broker's own restart is announced once it is back.
      for (const type of ['service.exited', 'service.backoff', 'service.running']) {
        await events.waitFor(
          `${type} of ${victim}`,
          (e) =>
            e.topic === `system/${victim}` &&
            (e.payload as { type: string }).type === type &&
            ((e.payload as { pid?: number }).pid === undefined || type !== 'service.running' || (e.payload as { pid: number }).pid === pid),
          10_000,
        );
      }
    }
    await events.close();
    up.proc.kill('SIGTERM');
    expect((await up.proc.waitForExit()).code).toBe(0);
  }, 60_000);

  it('replaces a hung service (SIGSTOP) once liveness fails', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack, ['--probe-interval', '200ms', '--probe-failures', '3']);
    const hung = up.pids().hub!;
    process.kill(hung, 'SIGSTOP');
    const pid = await up.healthyAgain('hub', 1, 15_000);
    expect(pid).not.toBe(hung);
    expect(up.events('service.unhealthy', 'hub')[0]).toMatchObject({ failures: 3, pid: hung });
    await waitFor('the hung process to be gone', () => !isAlive(hung));
    up.proc.kill('SIGTERM');
    expect((await up.proc.waitForExit()).code).toBe(0);
  }, 40_000);

  it('gives up on a service that keeps crashing on start, starts it no more even once it could, keeps the others up, and exits non-zero later', async () => {
    const stack = await freshStack();
    const backoffMaxMs = 1000;
    const up = await RunningStack.up(stack, [
      '--backoff-initial',
      '300ms',
      '--backoff-max',
      `${backoffMaxMs}ms`,
      '--max-restarts',
      '2',
      '--restart-window',
      '30s',
    ]);
    const before = up.pids();
    const mark = up.mark();
    // Damage the ticket secret, which the running services have read already: every restart of the hub refuses it.
    const secretFile = path.join(stack.dataDir, 'ticket-secret');
    const secret = readFileSync(secretFile);
    writeFileSync(secretFile, 'short');
    process.kill(before.hub!, 'SIGKILL');
    const fatal = await up.proc.waitForLine('service.fatal', (line) => line.event === 'service.fatal', 20_000);
    expect(fatal).toMatchObject({ service: 'hub', level: 50 });
    expect(up.eventsSince(mark, 'service.exited', 'hub').length).toBe(3);
    // Repair the secret: a supervisor that had not really given up would now start the hub successfully.
    // Nothing can announce that it never will, so this watches for twice the longest backoff.
    const startsAtFatal = up.eventsSince(mark, 'service.starting', 'hub').length;
    writeFileSync(secretFile, secret);
    await sleep(2 * backoffMaxMs);
    expect(up.eventsSince(mark, 'service.starting', 'hub').length).toBe(startsAtFatal);
    // Given up for good: its port is no longer held, so clients are refused rather than kept waiting.
    const free = await listen(stack.hubPort);
    free.close();
    expect(up.others(before, mark, 'hub')).toEqual([
      { service: 'broker', exits: 0, alive: true },
      { service: 'rooms', exits: 0, alive: true },
      { service: 'irc', exits: 0, alive: true },
      { service: 'web', exits: 0, alive: true },
    ]);
    up.proc.kill('SIGTERM');
    expect((await up.proc.waitForExit()).code).toBe(1);
  }, 40_000);

  it('fails fast on a taken port, naming the service and the fix, and leaves nothing running', async () => {
    const stack = await freshStack();
    const blocker = await listen(stack.hubPort);
    const { startProcess, CLI } = await import('../../helpers/processes.js');
    const proc = startProcess('up', CLI, ['up'], stack.env);
    const exit = await proc.waitForExit(20_000);
    expect(exit.code).not.toBe(0);
    const failure = proc.lines.find((line) => line.failed === 'hub');
    expect(failure?.msg).toBe(
      `hub failed to start: port ${stack.hubPort} is already in use (hub); pass --hub-port or stop the other process`,
    );
    expect(Array.isArray(failure?.last_lines)).toBe(true);
    // The supervisor binds the hub's port before it spawns the hub: the hub was never started.
    const starting = proc.lines.filter((line) => line.event === 'service.starting');
    expect(starting.map((line) => line.service)).not.toContain('hub');
    const started = starting.map((line) => line.pid as number);
    await waitFor('every started service to be gone', () => started.every((pid) => !isAlive(pid)));
    blocker.close();
  }, 30_000);

  it('does not take another process answering pings on the hub port for the hub', async () => {
    const stack = await freshStack();
    const impostor = net.createServer((socket) => {
      socket.on('data', (chunk) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const frame = JSON.parse(line) as { id?: unknown };
          socket.write(`${JSON.stringify({ type: 'pong', id: frame.id })}\n`);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => impostor.listen(stack.hubPort, '127.0.0.1', resolve));
    const { startProcess, CLI } = await import('../../helpers/processes.js');
    const proc = startProcess('up', CLI, ['up'], stack.env);
    expect((await proc.waitForExit(20_000)).code).not.toBe(0);
    expect(proc.lines.some((line) => line.event === 'supervisor.up')).toBe(false);
    expect(proc.lines.find((line) => line.failed === 'hub')?.msg).toContain(`port ${stack.hubPort} is already in use (hub)`);
    impostor.close();
  }, 30_000);

  it('stops in reverse order on SIGTERM, exits 0 and leaves no process behind', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack);
    const pids = Object.values(up.pids());
    up.proc.kill('SIGTERM');
    expect((await up.proc.waitForExit()).code).toBe(0);
    expect(up.events('service.stopping').map((line) => line.service)).toEqual([...SERVICES].reverse());
    expect(up.events('supervisor.stopped')).toHaveLength(1);
    expect(pids.filter(isAlive)).toEqual([]);
  }, 30_000);

  it('kills at once on a second Ctrl-C instead of waiting out the grace period', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack, ['--stop-grace', '20s']);
    const pids = up.pids();
    // A stopped hub cannot act on SIGTERM: without the second Ctrl-C this would take 20 s.
    process.kill(pids.hub!, 'SIGSTOP');
    up.proc.kill('SIGINT');
    await up.proc.waitForLine('stopping', (line) => line.event === 'service.stopping' && line.service === 'hub');
    const second = Date.now();
    up.proc.kill('SIGINT');
    expect((await up.proc.waitForExit(5000)).code).toBe(1);
    expect(Date.now() - second).toBeLessThan(3000);
    expect(Object.values(pids).filter(isAlive)).toEqual([]);
  }, 30_000);

  it("gives a service that ignores SIGTERM the whole --stop-grace (8 s, past execa's own 5 s) before SIGKILL", async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack, ['--stop-grace', '8s']);
    const hub = up.pids().hub!;
    try {
      // A stopped process cannot act on SIGTERM; only SIGKILL ends it.
      process.kill(hub, 'SIGSTOP');
      up.proc.kill('SIGTERM');
      await up.proc.waitForLine('stopping', (line) => line.event === 'service.stopping' && line.service === 'hub');
      const terminated = Date.now();
      await waitFor(
        '6 s of the grace to pass with the hub alive throughout',
        () => {
          expect(isAlive(hub), `hub killed after ${Date.now() - terminated} ms`).toBe(true);
          return Date.now() - terminated >= 6000;
        },
        { timeoutMs: 8000, intervalMs: 100 },
      );
      await waitFor('the hub to be killed', () => !isAlive(hub), { timeoutMs: 6000, intervalMs: 50 });
      expect(Date.now() - terminated).toBeGreaterThan(7500);
      expect((await up.proc.waitForExit()).code).toBe(0);
      expect(up.events('service.stopped', 'hub')[0]).toMatchObject({ signal: 'SIGKILL' });
    } finally {
      if (isAlive(hub)) process.kill(hub, 'SIGKILL');
    }
  }, 40_000);

  it('leaves no orphan when the supervisor itself is killed with SIGKILL', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack);
    const pids = Object.values(up.pids());
    up.proc.kill('SIGKILL');
    await up.proc.waitForExit();
    const killedAt = Date.now();
    await waitFor('every service to exit', () => pids.every((pid) => !isAlive(pid)), { timeoutMs: 2000, intervalMs: 20 });
    expect(Date.now() - killedAt).toBeLessThan(2000);
  }, 30_000);

  it('starts a subset with --only, with its dependencies', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack, ['--only', 'rooms']);
    expect(
      up
        .events('service.running')
        .map((line) => line.service)
        .sort(),
    ).toEqual(['broker', 'rooms']);
    up.proc.kill('SIGINT');
    expect((await up.proc.waitForExit()).code).toBe(0);
  }, 30_000);
});
