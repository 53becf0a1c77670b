import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceStatus, StackStatus } from '../../../src/protocol/control-api.js';
import { SERVICE_NAMES } from '../../../src/stack/registry.js';
import { freePort } from '../../helpers/ports.js';
import { makeStackEnv, runCli, type StackEnv } from '../../helpers/processes.js';
import { isAlive, RunningStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

const stacks: StackEnv[] = [];
/** Pids a failed test could leave behind: killed after the file, whatever happened. */
const leftovers = new Set<number>();

afterAll(() => {
  for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const stack of stacks) stack.cleanup();
});

async function freshStack(): Promise<StackEnv> {
  const stack = await makeStackEnv();
  stacks.push(stack);
  return stack;
}

const cli = (stack: StackEnv, args: string[]) => runCli(args, stack.env, { timeoutMs: 60_000 });

describe('a FATAL service', () => {
  it('makes status exit 3 and say why, /healthz answer 503, and start brings it back', async () => {
    const stack = await freshStack();
    const metricsPort = await freePort();
    const up = await RunningStack.up(stack, ['--max-restarts', '1', '--backoff-initial', '10ms', '--metrics-port', String(metricsPort)]);
    try {
      for (let kill = 0; kill < 2; kill++) {
        const healthy = up.events('service.running', 'hub').length;
        process.kill(up.pids().hub!, 'SIGKILL');
        if (kill === 0) await up.healthyAgain('hub', healthy);
      }
      await up.proc.waitForLine('hub fatal', (line) => line.event === 'service.fatal' && line.service === 'hub');

      const status = await cli(stack, ['status', '--json']);
      expect(status.exitCode).toBe(3);
      const hub = (JSON.parse(status.stdout) as StackStatus).services.find((service) => service.name === 'hub')!;
      expect(hub).toMatchObject({ state: 'fatal', restarts: 1 });
      expect(hub.pid).toBeUndefined();
      expect(hub.last_exit?.reason).toMatch(/^killed by SIGKILL; FATAL: /);
      const table = await cli(stack, ['status']);
      expect(table.exitCode).toBe(3);
      expect(table.stdout).toMatch(/hub\s+FATAL\s+-/);
      expect(table.stdout).toMatch(/broker\s+RUNNING/);
      expect((await cli(stack, ['status', '--check'])).exitCode).toBe(3);
      const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.text()).toBe('hub fatal\n');

      const started = await cli(stack, ['start', 'hub']);
      expect(started.exitCode, started.stderr).toBe(0);
      expect(started.stdout).toMatch(/hub\s+RUNNING/);
      const after = JSON.parse((await cli(stack, ['status', '--json'])).stdout) as StackStatus;
      expect(after.services.find((service) => service.name === 'hub')).toMatchObject({ state: 'running', restarts: 0 });
      expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
    } finally {
      up.proc.kill('SIGTERM');
      await up.proc.waitForExit(20_000);
    }
  }, 90_000);
});

describe('up --detach and down', () => {
  it('starts in the background with the banner, logs to the data dir, and down stops everything', async () => {
    const stack = await freshStack();
    // The data dir as a flag, as people type it (it was once passed on twice, and refused as a list).
    const started = await runCli(['up', '--detach', '--log-format', 'pretty', '--data-dir', stack.dataDir], stack.env, {
      timeoutMs: 60_000,
    });
    expect(started.exitCode, started.stderr).toBe(0);
    expect(started.stdout).toContain(`ThisCord is up`);
    expect(started.stdout).toContain(`tcp://127.0.0.1:${stack.hubPort}`);
    expect(started.stdout).toContain('thiscord down');

    const status = await cli(stack, ['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    const running = JSON.parse(status.stdout) as StackStatus;
    const pids = [running.pid, ...running.services.map((service) => service.pid!)];
    for (const pid of pids) leftovers.add(pid);
    expect(running.services.every((service) => service.state === 'running')).toBe(true);
    const logFile = path.join(stack.dataDir, 'logs', 'thiscord.log');
    const logged = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.some((record) => record.event === 'supervisor.up')).toBe(true);

    const down = await cli(stack, ['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toContain(`stopped the stack (supervisor pid ${running.pid})`);
    await waitFor('every process of the stack to be gone', () => pids.every((pid) => !isAlive(pid)));
    expect(existsSync(path.join(stack.dataDir, 'control.sock'))).toBe(false);
    expect(readFileSync(logFile, 'utf8')).toContain('"event":"supervisor.stopped"');

    const after = await cli(stack, ['status']);
    expect(after.exitCode).toBe(1);
    expect(after.stderr).toContain(`no stack is running for ${stack.dataDir}`);
    expect(after.stderr).toContain('thiscord up --detach');
  }, 90_000);
});

describe('a foreground stack', () => {
  it('restarts every service in order with restart all, and stops with down from another terminal', async () => {
    const stack = await freshStack();
    const up = await RunningStack.up(stack);
    const before = up.pids();
    const restarted = await cli(stack, ['restart', 'all', '--json']);
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    const services = JSON.parse(restarted.stdout) as ServiceStatus[];
    expect(services.map((service) => service.name)).toEqual([...SERVICE_NAMES]);
    for (const service of services) {
      expect(service.state, service.name).toBe('running');
      expect(service.pid, service.name).not.toBe(before[service.name]);
    }
    // Stopped in reverse start order, started in order: dependencies are back before what needs them.
    const stopped = up.events('service.stopped').map((line) => line.service);
    expect(stopped).toEqual([...SERVICE_NAMES].reverse());
    const down = await cli(stack, ['down', '--json']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toEqual({ stopped: true, pid: up.proc.pid });
    expect(await up.proc.waitForExit(20_000)).toMatchObject({ code: 0 });
  }, 90_000);
});
