import { describe, expect, it } from 'vitest';
import type { StopReason } from '../../../src/runtime/handshake.js';
import type { RestartType } from '../../../src/stack/registry.js';
import type { ChildExit, ChildProcessHandle, Launcher } from '../../../src/supervisor/child-process.js';
import type { ChildSpec } from '../../../src/supervisor/child-spec.js';
import type { ChildState } from '../../../src/supervisor/child-state.js';
import type { Probe } from '../../../src/supervisor/probes/probe.js';
import { type ChildHost, SupervisedChild } from '../../../src/supervisor/supervised-child.js';
import { waitFor } from '../../helpers/wait.js';

/** A process that does what the test tells it: say it listens, exit, ignore or obey signals. */
class FakeProcess implements ChildProcessHandle {
  private static nextPid = 1000;
  readonly pid = FakeProcess.nextPid++;
  readonly signals: string[] = [];
  readonly sent: unknown[] = [];
  readonly stopRequests: (string | undefined)[] = [];
  listen!: () => void;
  exitWith!: (exit: ChildExit) => void;
  readonly listening = new Promise<void>((resolve) => (this.listen = resolve));
  readonly exit = new Promise<ChildExit>((resolve) => (this.exitWith = resolve));

  constructor(private readonly obeysSigterm: boolean) {}

  send(message: unknown): boolean {
    this.sent.push(message);
    return true;
  }

  terminate(reason?: StopReason): void {
    this.stopRequests.push(reason);
    this.signals.push('SIGTERM');
    if (this.obeysSigterm) this.exitWith({ code: 0, signal: null });
  }

  killNow(): void {
    this.signals.push('SIGKILL');
    this.exitWith({ code: null, signal: 'SIGKILL' });
  }
}

/** A probe that answers while `healthy` is set. */
class FakeProbe implements Probe {
  healthy = true;
  closed = false;
  async check(): Promise<void> {
    if (!this.healthy) throw new Error('no answer');
  }
  close(): void {
    this.closed = true;
  }
}

function harness(
  options: { restart?: RestartType; maxRestarts?: number; readyTimeoutMs?: number; obeysSigterm?: boolean; backoffMs?: number } = {},
) {
  const processes: FakeProcess[] = [];
  const launch: Launcher = () => {
    const process = new FakeProcess(options.obeysSigterm ?? true);
    processes.push(process);
    return process;
  };
  const probe = new FakeProbe();
  const spec: ChildSpec = {
    name: 'echo',
    entry: '/nowhere/main.js',
    env: {},
    dependsOn: [],
    heldPorts: [],
    probe: async () => probe,
    restart: options.restart ?? 'permanent',
    stopGraceMs: 5000,
    endpoint: 'tcp://127.0.0.1:7',
    carriesEvents: false,
  };
  const states: ChildState[] = [];
  const details: Record<string, unknown>[] = [];
  const host: ChildHost & { stopping: boolean } = {
    stopping: false,
    transition: (_child, _from, to, detail) => {
      states.push(to);
      details.push({ to, ...detail });
    },
    output: () => undefined,
    message: () => undefined,
  };
  const child = new SupervisedChild(
    spec,
    { readyTimeoutMs: options.readyTimeoutMs ?? 5000, intervalMs: 10, failures: 3 },
    {
      backoffInitialMs: options.backoffMs ?? 1,
      backoffMaxMs: Math.max(4, options.backoffMs ?? 1),
      backoffResetMs: 60_000,
      maxRestarts: options.maxRestarts ?? 5,
      windowMs: 60_000,
    },
    host,
    launch,
  );
  const latest = (): FakeProcess => processes.at(-1)!;
  /** Lets the latest process report that it listens, and waits until the child is healthy. */
  const becomeHealthy = async (): Promise<void> => {
    latest().listen();
    await waitFor('running', () => child.state === 'running');
  };
  return { child, host, probe, processes, states, details, latest, becomeHealthy };
}

describe('SupervisedChild (with a fake process)', () => {
  it('is healthy only after the process says it listens and the probe answers', async () => {
    const h = harness();
    const started = h.child.start();
    expect(h.child.state).toBe('starting');
    h.probe.healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(h.child.state).toBe('starting');
    h.latest().listen();
    await started;
    expect(h.states).toEqual(['starting', 'running']);
    expect(h.child.status()).toMatchObject({ name: 'echo', state: 'running', pid: h.latest().pid, restarts: 0, lastExit: null });
  });

  it('restarts a permanent service at once after a first crash, and counts it', async () => {
    const h = harness();
    const started = h.child.start();
    await h.becomeHealthy();
    await started;
    h.latest().exitWith({ code: 1, signal: null });
    await waitFor('a second process', () => h.processes.length === 2);
    expect(h.states).toEqual(['starting', 'running', 'exited', 'backoff', 'starting']);
    expect(h.details[3]).toMatchObject({ to: 'backoff', attempt: 2, delay_ms: 0 });
    await h.becomeHealthy();
    expect(h.child.status()).toMatchObject({ restarts: 1, lastExit: { code: 1, signal: null } });
  });

  it('restarts a transient service only after an abnormal exit, and never a temporary one', async () => {
    const transient = harness({ restart: 'transient' });
    void transient.child.start();
    await transient.becomeHealthy();
    transient.latest().exitWith({ code: 0, signal: null });
    await waitFor('exited', () => transient.child.state === 'exited');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(transient.processes).toHaveLength(1);
    expect(transient.child.state).toBe('exited');

    const crashing = harness({ restart: 'transient' });
    void crashing.child.start();
    await crashing.becomeHealthy();
    crashing.latest().exitWith({ code: null, signal: 'SIGSEGV' });
    await waitFor('a restart', () => crashing.processes.length === 2);

    const temporary = harness({ restart: 'temporary' });
    void temporary.child.start();
    await temporary.becomeHealthy();
    temporary.latest().exitWith({ code: 1, signal: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(temporary.processes).toHaveLength(1);
    expect(temporary.child.state).toBe('exited');
  });

  it('goes fatal past the restart intensity and stays fatal until started again by hand', async () => {
    const h = harness({ maxRestarts: 2 });
    void h.child.start();
    await h.becomeHealthy();
    for (let crash = 1; crash <= 3; crash++) {
      h.latest().exitWith({ code: 1, signal: null });
      if (crash < 3) await waitFor(`restart ${crash}`, () => h.processes.length === crash + 1);
    }
    await waitFor('fatal', () => h.child.state === 'fatal');
    expect(h.details.at(-1)).toMatchObject({ to: 'fatal', restarts: 2, window_ms: 60_000 });
    await h.child.stop();
    expect(h.child.state).toBe('fatal');
    const again = h.child.start();
    await h.becomeHealthy();
    await again;
  });

  it('reports a requested start that exits to whoever asked, and does not restart it', async () => {
    const h = harness();
    const started = h.child.start();
    h.latest().exitWith({ code: 1, signal: null });
    await expect(started).rejects.toThrow('exited during start (code 1)');
    expect(h.child.state).toBe('exited');
    expect(h.processes).toHaveLength(1);
  });

  it('kills a requested start that is not healthy in time, rejects it and leaves it exited', async () => {
    const h = harness({ readyTimeoutMs: 50 });
    h.probe.healthy = false;
    const started = h.child.start();
    h.latest().listen();
    await expect(started).rejects.toThrow(/not healthy within 50 ms \(no answer\)/);
    await waitFor('exited', () => h.child.state === 'exited');
    expect(h.latest().signals).toEqual(['SIGKILL']);
    expect(h.processes).toHaveLength(1);
  });

  it('kills a hung service after the configured failed probes and restarts it', async () => {
    const h = harness();
    void h.child.start();
    await h.becomeHealthy();
    h.probe.healthy = false;
    await waitFor('unhealthy', () => h.states.includes('unhealthy'));
    expect(h.details.find((d) => d.to === 'unhealthy')).toMatchObject({ failures: 3 });
    expect(h.processes[0]!.signals).toEqual(['SIGKILL']);
    h.probe.healthy = true;
    await waitFor('a new process', () => h.processes.length === 2);
  });

  it('stops with SIGTERM and stays stopped; the process decides when it is gone', async () => {
    const h = harness({ obeysSigterm: false });
    void h.child.start();
    await h.becomeHealthy();
    let gone = false;
    const stopped = h.child.stop().then(() => (gone = true));
    expect(h.child.state).toBe('stopping');
    expect(h.latest().signals).toEqual(['SIGTERM']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gone).toBe(false);
    h.child.killNow();
    await stopped;
    expect(h.states.slice(-2)).toEqual(['stopping', 'stopped']);
    expect(h.details.at(-1)).toMatchObject({ to: 'stopped', code: null, signal: 'SIGKILL' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.processes).toHaveLength(1);
  });

  it('asks a running service to stop over IPC when given a reason, and one still starting by signal', async () => {
    const h = harness();
    void h.child.start();
    await h.becomeHealthy();
    await h.child.stop('restart');
    expect(h.processes[0]!.stopRequests).toEqual(['restart']);
    const starting = harness();
    void starting.child.start().catch(() => undefined);
    await starting.child.stop('restart');
    expect(starting.processes[0]!.stopRequests).toEqual([undefined]);
  });

  it('does not restart anything once the supervisor is stopping', async () => {
    const h = harness();
    void h.child.start();
    await h.becomeHealthy();
    h.host.stopping = true;
    h.latest().exitWith({ code: 1, signal: null });
    await waitFor('exited', () => h.child.state === 'exited');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.processes).toHaveLength(1);
  });

  it('cancels a pending restart when stopped', async () => {
    const h = harness({ backoffMs: 60_000 });
    void h.child.start();
    await h.becomeHealthy();
    // The first crash is restarted at once; the second in a row waits for the backoff.
    h.latest().exitWith({ code: 1, signal: null });
    await waitFor('a second process', () => h.processes.length === 2);
    await h.becomeHealthy();
    h.latest().exitWith({ code: 1, signal: null });
    await waitFor('backoff', () => h.child.state === 'backoff');
    await h.child.stop();
    expect(h.states.slice(-3)).toEqual(['exited', 'backoff', 'stopped']);
    expect(h.processes).toHaveLength(2);
  });

  it('refuses to start a service that is already running', async () => {
    const h = harness();
    void h.child.start();
    await expect(h.child.start()).rejects.toThrow('echo is starting; only a stopped, exited or fatal service can be started');
  });
});
