import { chmodSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubClient } from '../../../src/clients/chat/hub-client.js';
import { socketHub } from '../../../src/clients/chat/socket-transport.js';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import type { ServiceStatus, StackStatus } from '../../../src/protocol/control-api.js';
import type { HubFrame } from '../../../src/protocol/frames.js';
import { SERVICE_NAMES } from '../../../src/stack/registry.js';
import { freePort } from '../../helpers/ports.js';
import { CLI, makeStackEnv, runCli, type StackEnv, startProcess } from '../../helpers/processes.js';
import { describeAsRoot } from '../../helpers/requirements.js';
import { RunningStack } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;
let running: RunningStack;
let metricsPort: number;

beforeAll(async () => {
  stack = await makeStackEnv();
  metricsPort = await freePort();
  running = await RunningStack.up(stack, ['--metrics-port', String(metricsPort)]);
}, 60_000);

afterAll(async () => {
  running?.proc.kill('SIGTERM');
  await running?.proc.waitForExit(20_000);
  stack?.cleanup();
}, 30_000);

const cli = (args: string[]) => runCli(args, stack.env, { timeoutMs: 60_000 });

async function status(): Promise<StackStatus> {
  const result = await cli(['status', '--json']);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as StackStatus;
}

const service = (s: StackStatus, name: string): ServiceStatus => s.services.find((entry) => entry.name === name)!;

describe('thiscord status', () => {
  it('shows every service running with its pid and endpoint, and the live figures, and --check passes', async () => {
    const now = await waitFor('every figure sampled', async () => {
      const s = await status();
      return s.figures.hub && s.figures.rooms && s.figures.broker ? s : undefined;
    });
    expect(now.pid).toBe(running.proc.pid);
    expect(now.data_dir).toBe(stack.dataDir);
    expect(now.services.map((s) => [s.name, s.state])).toEqual(SERVICE_NAMES.map((name) => [name, 'running']));
    const pids = running.pids();
    for (const entry of now.services) {
      expect(entry.pid, entry.name).toBe(pids[entry.name]);
      expect(entry.restarts, entry.name).toBe(0);
      expect(entry.uptime_s, entry.name).toBeGreaterThanOrEqual(0);
    }
    expect(service(now, 'hub').endpoint).toBe(`tcp://127.0.0.1:${stack.hubPort}`);
    // No chat client yet (a probe may be connected for a moment).
    expect(now.figures.hub?.rooms).toBe(0);

    const table = await cli(['status']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`hub\\s+RUNNING\\s+${pids.hub}\\s`));
    expect(table.stdout).toMatch(/rooms\s+RUNNING/);
    expect(table.stdout).toMatch(/hub: \d+ connection\(s\), 0 room\(s\)/);
    expect((await cli(['status', '--check'])).exitCode).toBe(0);
  }, 60_000);

  it('after a kill -9 shows the new pid, the restart and why the last process ended', async () => {
    const victim = running.pids().rooms!;
    const healthy = running.events('service.running', 'rooms').length;
    process.kill(victim, 'SIGKILL');
    const pid = await running.healthyAgain('rooms', healthy);
    const rooms = service(await status(), 'rooms');
    expect(rooms).toMatchObject({ state: 'running', pid, restarts: 1, restarts_total: 1 });
    expect(rooms.last_exit).toMatchObject({ signal: 'SIGKILL', reason: 'killed by SIGKILL' });
    expect((await cli(['status'])).stdout).toMatch(/rooms\s+RUNNING.*killed by SIGKILL/);
  }, 60_000);
});

describe('thiscord restart, stop and start', () => {
  it('restarts the hub gracefully: clients hear why and reconnect by themselves, the others keep running', async () => {
    const rooms = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    const admission = await rooms.createRoom('restart-room', 'alice');
    const client = new HubClient({ connect: socketHub(admission.hub), initialBackoffMs: 20, maxBackoffMs: 200 });
    const frames: HubFrame[] = [];
    client.on('frame', (frame) => frames.push(frame));
    const states: string[] = [];
    client.on('state', (state) => states.push(state));
    client.start([admission]);
    try {
      await waitFor('the client to be ready', () => client.state === 'ready');
      const before = running.pids();
      const result = await cli(['restart', 'hub']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/hub\s+RUNNING/);
      expect(frames).toContainEqual({ type: 'bye', reason: 'server_restart' });
      await waitFor('the client to reconnect', () => states.lastIndexOf('ready') > states.indexOf('waiting') && client.state === 'ready');
      const after = running.pids();
      expect(after.hub).not.toBe(before.hub);
      expect(after.broker).toBe(before.broker);
      expect(after.rooms).toBe(before.rooms);
      const acked = new Promise((resolve) => client.on('acked', resolve));
      client.say('restart-room', 'still here');
      await acked;
      // The restarted hub's own figures: this client is back in its room.
      const now = await waitFor('the new hub to count the client', async () => {
        const s = await status();
        return s.figures.hub && s.figures.hub.rooms === 1 && s.figures.hub.messages_total >= 1 ? s : undefined;
      });
      expect(now.figures.hub!.connections).toBeGreaterThanOrEqual(1);
      const hub = service(now, 'hub');
      expect(hub).toMatchObject({ state: 'running', pid: after.hub, restarts: 0 });
      expect(hub.last_exit?.reason).toBe('stopped by thiscord restart');
    } finally {
      client.close();
    }
  }, 60_000);

  it('stop leaves a service stopped (and --check fails) until start brings it back', async () => {
    const stopped = await cli(['stop', 'rooms', '--json']);
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject([{ name: 'rooms', state: 'stopped' }]);
    const check = await cli(['status', '--check']);
    expect(check.exitCode).toBe(3);
    expect(check.stdout).toMatch(/rooms\s+STOPPED/);
    expect(service(await status(), 'hub').state).toBe('running');
    const started = await cli(['start', 'rooms']);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/rooms\s+RUNNING/);
    expect((await cli(['status', '--check'])).exitCode).toBe(0);
  }, 60_000);

  it('refuses an unknown service with exit 2 and the names it knows', async () => {
    const result = await cli(['restart', 'hubb']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`choose ${[...SERVICE_NAMES, 'all'].join(', ')}`);
  });
});

describe('thiscord logs', () => {
  it('prints the last lines, and -f follows new ones as they come', async () => {
    const tail = await cli(['logs', '-n', '3', '--json']);
    expect(tail.exitCode).toBe(0);
    const lines = tail.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('service');

    const follower = startProcess('logs -f', CLI, ['logs', '-f', '-n', '0', '--service', 'rooms', '--json'], stack.env);
    try {
      // The follower may ask after the restart has begun: either way it must see the new healthy record.
      await waitFor('the follower to start', async () => (await cli(['status', '--json'])).exitCode === 0);
      const result = await cli(['restart', 'rooms']);
      expect(result.exitCode).toBe(0);
      const healthy = await follower.waitForLine('rooms healthy again', (line) => line.event === 'service.running', 20_000);
      expect(healthy.service).toBe('rooms');
      expect(follower.lines.every((line) => line.service === 'rooms')).toBe(true);
    } finally {
      follower.kill('SIGINT');
      await follower.waitForExit();
    }
  }, 60_000);
});

describe('the control socket', () => {
  it('makes a second up on the same data dir say which stack runs and point to status', async () => {
    const second = await cli(['up']);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`a stack is already running on ${stack.dataDir} (supervisor pid ${running.proc.pid}`);
    expect(second.stderr).toContain(`tcp://127.0.0.1:${stack.hubPort}`);
    expect(second.stderr).toContain('thiscord status');
  }, 30_000);

  it('answers Python xmlrpc.client over the Unix socket', async () => {
    const result = await execa('python3', [path.join(import.meta.dirname, 'control_client.py'), path.join(stack.dataDir, 'control.sock')], {
      reject: false,
      timeout: 20_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(answer.states).toEqual(SERVICE_NAMES.map((name) => [name, 'running']));
    expect(answer.version).toMatchObject({ protocol: 1 });
    expect(answer.methods).toContain('restart');
    expect(answer.fault).toEqual([200, expect.stringContaining('no service named "nope"')]);
  }, 30_000);

  describeAsRoot('as another user', 'run the client as nobody', () => {
    it('refuses a user other than the one who started the stack', async () => {
      // Open the way to the socket, so that only its own mode (0600) stands between nobody and it.
      chmodSync(stack.dataDir, 0o755);
      try {
        const asNobody = await execa(
          'setpriv',
          ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI, 'status', '--data-dir', stack.dataDir],
          { reject: false, timeout: 20_000, env: { ...stack.env, FORCE_COLOR: '0' } },
        );
        expect(asNobody.exitCode).toBe(1);
        expect(asNobody.stderr).toContain('not allowed to use');
        expect((await cli(['status', '--check'])).exitCode).toBe(0);
      } finally {
        chmodSync(stack.dataDir, 0o700);
      }
    }, 30_000);
  });
});

describe('metrics', () => {
  it('serves Prometheus text on --metrics-port, and /healthz', async () => {
    // Figures are sampled once a second: wait for a sample taken after the earlier tests' room and restart.
    const samples = await waitFor('fresh figures in the metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const parsed = parsePrometheus(text);
      const fresh =
        parsed.has('thiscord_hub_connections') &&
        (parsed.get('thiscord_rooms_rooms') ?? 0) >= 1 &&
        (parsed.get('thiscord_service_restarts_total{service="rooms"}') ?? 0) >= 1;
      return fresh ? parsed : undefined;
    });
    for (const name of ['broker', 'rooms', 'hub']) expect(samples.get(`thiscord_service_up{service="${name}"}`), name).toBe(1);
    expect(samples.get('thiscord_service_state{service="hub",state="running"}')).toBe(1);
    expect(samples.get('thiscord_service_state{service="hub",state="fatal"}')).toBe(0);
    expect(samples.get('thiscord_hub_connections')).toBe(0);
    expect(samples.get('thiscord_rooms_rooms')).toBeGreaterThanOrEqual(1);
    expect(samples.get('thiscord_broker_events_total')).toBeGreaterThan(0);
    expect(samples.has('thiscord_broker_dropped_total')).toBe(true);
    expect(samples.has('thiscord_hub_messages_per_second')).toBe(true);
    expect(samples.get('thiscord_service_restarts_total{service="rooms"}')).toBeGreaterThanOrEqual(1);
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
  }, 30_000);
});

/** Prometheus text format: `name{labels} value` per sample; # lines are HELP and TYPE. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}
