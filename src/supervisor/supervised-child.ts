import type { ServiceMessage, StopReason, SupervisorMessage } from '../runtime/handshake.js';
import { type ChildExit, type ChildProcessHandle, type Launcher, launchChild } from './child-process.js';
import type { ChildSpec } from './child-spec.js';
import { type ChildState, canTransition, isIn, PROCESS_STATES, STOPPED_STATES, type TransitionDetail } from './child-state.js';
import { HeldSockets } from './held-sockets.js';
import { watchLiveness } from './liveness.js';
import type { Probe } from './probes/probe.js';
import { awaitReady } from './readiness.js';
import { decideAfterExit, RestartPolicy, type RestartSettings } from './restart-policy.js';

export interface ProbeSettings {
  readyTimeoutMs: number;
  intervalMs: number;
  failures: number;
}

/** The supervisor, as one child sees it. */
export interface ChildHost {
  transition<S extends ChildState>(child: SupervisedChild, from: ChildState, to: S, detail: TransitionDetail<S>): void;
  output(child: SupervisedChild, line: string, stream: 'stdout' | 'stderr'): void;
  /** Any other message the service sent over IPC (its figures). */
  message(child: SupervisedChild, message: ServiceMessage): void;
  /** True once the supervisor stops everything: an exit then is final. */
  readonly stopping: boolean;
}

/** One line of `status`: what supervisorctl and pm2 show for a program. */
export interface ChildStatus {
  name: string;
  state: ChildState;
  pid: number | null;
  /** Since its current process was spawned. */
  uptimeMs: number | null;
  /** Automatic restarts since the supervisor started. */
  restarts: number;
  lastExit: (ChildExit & { at: string }) | null;
}

/** One spawned process and everything that watches it; gone when it exits. */
interface Attempt {
  readonly process: ChildProcessHandle;
  /** `request`: up or an operator asked for it and is told if it fails (it is not restarted then). */
  readonly origin: 'request' | 'restart';
  readonly spawnedAt: number;
  /** Aborted when the process exits: ends the readiness wait. */
  readonly ended: AbortController;
  waiter: { resolve: () => void; reject: (error: Error) => void } | null;
  stopLiveness: (() => void) | null;
  backoffReset: NodeJS.Timeout | null;
}

const RECENT_LINES = 20;

/**
 * Drives one service through the states of child-state.ts: spawns it (child-process.ts), waits for
 * it to be ready (readiness.ts), watches it (liveness.ts), and on an exit asks restart-policy.ts
 * what follows. Exits and probe failures are events, not ticks, so a crash is noticed at once and
 * a restart is only as slow as the backoff and the service's own start.
 */
export class SupervisedChild {
  private current: ChildState = 'stopped';
  /** Present exactly in the process states (starting, running, unhealthy, stopping). */
  private attempt: Attempt | null = null;
  /** Present exactly in `backoff`. */
  private restartTimer: NodeJS.Timeout | null = null;
  private policy: RestartPolicy;
  private probe: Promise<Probe> | null = null;
  private spawns = 0;
  private restarts = 0;
  private lastExit: ChildStatus['lastExit'] = null;
  /** The last lines the service printed, quoted when it fails to start. */
  readonly recentLines: string[] = [];
  /** Its ports, held from a start until it is stopped for good, across every restart between. */
  private readonly sockets: HeldSockets;

  constructor(
    readonly spec: ChildSpec,
    private readonly probes: ProbeSettings,
    private readonly restartSettings: RestartSettings,
    private readonly host: ChildHost,
    private readonly launch: Launcher = launchChild,
  ) {
    this.policy = new RestartPolicy(restartSettings);
    this.sockets = new HeldSockets(spec.heldPorts);
  }

  get name(): string {
    return this.spec.name;
  }

  get state(): ChildState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.attempt?.process.pid;
  }

  status(): ChildStatus {
    return {
      name: this.name,
      state: this.current,
      pid: this.attempt?.process.pid ?? null,
      uptimeMs: this.attempt ? Math.round(performance.now() - this.attempt.spawnedAt) : null,
      restarts: this.restarts,
      lastExit: this.lastExit,
    };
  }

  /**
   * Starts the service (from stopped, exited or fatal, with a fresh restart count) and resolves once
   * it is healthy. If it exits or times out first this rejects with the reason, and it stays exited.
   */
  start(): Promise<void> {
    if (!isIn(STOPPED_STATES, this.current)) {
      return Promise.reject(new Error(`${this.name} is ${this.current}; only a stopped, exited or fatal service can be started`));
    }
    // A host name is looked up once, before the first start; an IP address (the default) binds at once.
    if (!this.sockets.lookedUp) return this.sockets.lookUp().then(() => this.start());
    try {
      this.sockets.acquire();
    } catch (error) {
      return Promise.reject(error);
    }
    this.policy = new RestartPolicy(this.restartSettings);
    return new Promise<void>((resolve, reject) => this.spawn('request', { resolve, reject }));
  }

  /**
   * Stops the service: SIGTERM (or, with a reason, the request over IPC, which only a running
   * service reads), then SIGKILL after its stop grace; resolves once the process is gone.
   * A pending restart is cancelled; a service that is not running is left as it is.
   */
  async stop(reason?: StopReason): Promise<void> {
    // Held through a restart, so that clients wait for the next process instead of being refused.
    if (reason !== 'restart') this.sockets.release();
    if (this.current === 'backoff') {
      clearTimeout(this.restartTimer!);
      this.restartTimer = null;
      this.move('stopped', { code: null, signal: null });
      return;
    }
    const attempt = this.attempt;
    if (!attempt) return;
    if (this.current !== 'stopping') {
      this.unwatch(attempt);
      attempt.waiter?.reject(new Error('stopped before it was healthy'));
      attempt.waiter = null;
      const told = this.current === 'running' ? reason : undefined;
      this.move('stopping', { pid: attempt.process.pid });
      attempt.process.terminate(told);
    }
    await attempt.process.exit;
  }

  /** Sends a message to the running process; false when there is none, or its channel is closed. */
  send(message: SupervisorMessage): boolean {
    return this.attempt?.process.send(message) ?? false;
  }

  /** SIGKILL now, whatever state the process is in (a second Ctrl-C). */
  killNow(): void {
    this.attempt?.process.killNow();
  }

  /** Releases the probe's sockets once the child is stopped for good. */
  dispose(): void {
    void this.probe?.then((probe) => probe.close());
    this.probe = null;
    this.sockets.release();
  }

  private move<S extends ChildState>(to: S, detail: TransitionDetail<S>): void {
    const from = this.current;
    if (!canTransition(from, to)) throw new Error(`${this.name}: ${from} → ${to} is not a transition`);
    if (isIn(PROCESS_STATES, to) !== (this.attempt !== null))
      throw new Error(`${this.name}: ${to} with${this.attempt ? '' : 'out'} a process`);
    this.current = to;
    this.host.transition(this, from, to, detail);
  }

  private spawn(origin: Attempt['origin'], waiter: Attempt['waiter']): void {
    this.spawns++;
    const process = this.launch(
      this.spec,
      {
        line: (line, stream) => this.output(line, stream),
        message: (message) => this.host.message(this, message),
      },
      this.sockets.inheritance(),
    );
    const attempt: Attempt = {
      process,
      origin,
      spawnedAt: performance.now(),
      ended: new AbortController(),
      waiter,
      stopLiveness: null,
      backoffReset: null,
    };
    this.attempt = attempt;
    this.move('starting', { attempt: this.spawns, pid: process.pid });
    void process.exit.then((exit) => this.exited(attempt, exit));
    this.probe ??= this.spec.probe();
    awaitReady(process, this.probe, this.probes, attempt.ended.signal).then(
      () => this.ready(attempt),
      (error: Error) => this.notReady(attempt, error),
    );
  }

  private ready(attempt: Attempt): void {
    if (this.attempt !== attempt || this.current !== 'starting') return;
    this.move('running', { pid: attempt.process.pid, ms: Math.round(performance.now() - attempt.spawnedAt) });
    attempt.waiter?.resolve();
    attempt.waiter = null;
    attempt.stopLiveness = watchLiveness(this.probe!, this.probes, (failures) => this.hung(attempt, failures));
    attempt.backoffReset = setTimeout(() => this.policy.reset(), this.policy.resetAfterMs);
  }

  /** Not healthy in time: killed; its exit then decides what follows. */
  private notReady(attempt: Attempt, error: Error): void {
    if (this.attempt !== attempt || this.current !== 'starting') return;
    attempt.waiter?.reject(error);
    attempt.waiter = null;
    attempt.process.killNow();
  }

  /** A process that no longer answers (hung, or stopped) is killed and handled like a crash. */
  private hung(attempt: Attempt, failures: number): void {
    if (this.attempt !== attempt || this.current !== 'running') return;
    this.move('unhealthy', { pid: attempt.process.pid, failures });
    attempt.process.killNow();
  }

  private exited(attempt: Attempt, exit: ChildExit): void {
    if (this.attempt !== attempt) return;
    this.unwatch(attempt);
    this.attempt = null;
    this.lastExit = { ...exit, at: new Date().toISOString() };
    if (this.current === 'stopping') return this.move('stopped', exit);
    const startFailed = attempt.origin === 'request' && this.current === 'starting';
    this.move('exited', { pid: attempt.process.pid, ...exit });
    attempt.waiter?.reject(new Error(`exited during start (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`));
    const decision = decideAfterExit(
      { restart: this.spec.restart, exit, startFailed, supervisorStopping: this.host.stopping },
      this.policy,
    );
    if (decision.next !== 'backoff') this.sockets.release();
    if (decision.next === 'fatal') {
      this.move('fatal', { reason: decision.reason, restarts: this.restartSettings.maxRestarts, window_ms: this.restartSettings.windowMs });
    } else if (decision.next === 'backoff') {
      this.restarts++;
      this.move('backoff', { attempt: this.spawns + 1, delay_ms: decision.delayMs });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.spawn('restart', null);
      }, decision.delayMs);
    }
  }

  private unwatch(attempt: Attempt): void {
    attempt.ended.abort();
    attempt.stopLiveness?.();
    clearTimeout(attempt.backoffReset ?? undefined);
  }

  private output(line: string, stream: 'stdout' | 'stderr'): void {
    this.recentLines.push(line);
    if (this.recentLines.length > RECENT_LINES) this.recentLines.shift();
    this.host.output(this, line, stream);
  }
}
