import { execa, type ResultPromise } from 'execa';
import {
  SERVICE_LISTENING,
  SERVICE_STOP,
  type ServiceMessage,
  type StopReason,
  type SupervisorMessage,
  serviceMessage,
} from '../runtime/handshake.js';
import type { ChildSpec } from './child-spec.js';
import { type ChildState, canTransition } from './child-state.js';
import { LineReader } from './line-reader.js';
import type { Probe } from './probes/probe.js';
import { RestartPolicy, type RestartSettings } from './restart-policy.js';

export interface ProbeSettings {
  readyTimeoutMs: number;
  intervalMs: number;
  failures: number;
}

/** What a transition carries, for the log record and the event. */
export interface TransitionDetail {
  pid?: number;
  ms?: number;
  code?: number | null;
  signal?: string | null;
  failures?: number;
  attempt?: number;
  delayMs?: number;
  reason?: string;
}

export interface ChildObserver {
  transition(child: SupervisedChild, from: ChildState, to: ChildState, detail: TransitionDetail): void;
  output(child: SupervisedChild, line: string, stream: 'stdout' | 'stderr'): void;
  /** Any other message the service sent over IPC (its figures). */
  message(child: SupervisedChild, message: ServiceMessage): void;
}

/** Readiness is polled this often while a service starts: restarts are measured in milliseconds. */
const READY_POLL_MS = 20;
const READY_ATTEMPT_MS = 500;
const RECENT_LINES = 20;

/**
 * One service under supervision: its process, its probes and its restarts, driven by the state
 * machine in child-state.ts. Exits and probe failures are events, not ticks, so a crash is noticed
 * at once and a restart is only as slow as the backoff and the service's own start.
 */
export class SupervisedChild {
  private stateValue: ChildState = 'stopped';
  private process: ResultPromise | null = null;
  private probe: Promise<Probe> | null = null;
  private readonly policy: RestartPolicy;
  private attempt = 0;
  private startedAt = 0;
  private livenessTimer: NodeJS.Timeout | null = null;
  private backoffTimer: NodeJS.Timeout | null = null;
  private resetTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private exitWaiters: (() => void)[] = [];
  /** The last lines the service printed, quoted when it fails to start. */
  readonly recentLines: string[] = [];
  /** Set during the first start: a failure then ends `up` instead of restarting. */
  private failFast = true;
  /** Set once the supervisor is stopping: an exit then is final, never restarted. */
  private shuttingDown = false;
  private wentFatal = false;
  /** Set when the current process reports (over IPC) that its sockets are bound. */
  private listening = false;
  private wakeReadiness: (() => void) | null = null;

  constructor(
    readonly spec: ChildSpec,
    private readonly probes: ProbeSettings,
    restart: RestartSettings,
    private readonly observer: ChildObserver,
  ) {
    this.policy = new RestartPolicy(restart);
  }

  get name(): string {
    return this.spec.name;
  }

  get state(): ChildState {
    return this.stateValue;
  }

  /** Whether it ever went fatal (it reads `stopped` after shutdown). */
  get failed(): boolean {
    return this.wentFatal;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Starts the service and resolves once it is healthy; rejects if it exits or times out first. */
  start(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
    this.spawn();
    return ready;
  }

  /**
   * SIGTERM — or, with a reason, the same request over IPC, so the service can tell its clients
   * why — then SIGKILL after the grace period (or at once with `now`); resolves once it is gone.
   */
  async stop(now = false, reason?: StopReason): Promise<void> {
    this.shuttingDown = true;
    this.clearTimers();
    if (this.stateValue === 'stopped') return;
    if (this.stateValue === 'stopping') {
      if (now) this.process?.kill('SIGKILL');
      return new Promise<void>((resolve) => (this.process ? this.exitWaiters.push(resolve) : resolve()));
    }
    if (this.stateValue === 'fatal' || this.stateValue === 'backoff' || this.stateValue === 'exited' || !this.process) {
      this.move('stopping', {});
      this.move('stopped', { code: null, signal: null });
      return;
    }
    // Only a running service listens for the IPC request; one still starting gets the signal.
    const told = !now && reason !== undefined && this.stateValue === 'running' && this.send({ type: SERVICE_STOP, reason });
    this.move('stopping', { pid: this.pid });
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    if (!told) this.process.kill(now ? 'SIGKILL' : 'SIGTERM');
    const kill = setTimeout(() => this.process?.kill('SIGKILL'), now ? 0 : this.spec.stopGraceMs);
    await exited;
    clearTimeout(kill);
  }

  /**
   * Supervised again after a control `stop`, or after going FATAL, with its restart history
   * cleared (as supervisord's `start` does); then `start` it.
   */
  revive(): void {
    if (this.stateValue !== 'stopped') throw new Error(`${this.name}: revive from ${this.stateValue}; stop it first`);
    this.shuttingDown = false;
    this.wentFatal = false;
    this.failFast = true;
    this.policy.forget();
  }

  /** Sends a message over the live process's IPC channel; false when there is none. */
  send(message: SupervisorMessage): boolean {
    const child = this.process;
    if (!child?.connected) return false;
    child.sendMessage?.(message).catch(() => undefined);
    return true;
  }

  /** Marks the end of supervision: from now on an exit is final. */
  windDown(): void {
    this.shuttingDown = true;
    this.clearTimers();
  }

  kill(): void {
    this.process?.kill('SIGKILL');
  }

  private move(to: ChildState, detail: TransitionDetail): void {
    const from = this.stateValue;
    if (!canTransition(from, to)) throw new Error(`${this.name}: ${from} → ${to} is not a transition`);
    this.stateValue = to;
    this.observer.transition(this, from, to, detail);
  }

  private spawn(): void {
    this.attempt++;
    this.failures = 0;
    this.startedAt = performance.now();
    const child = execa(process.execPath, [this.spec.entry], {
      env: this.spec.env,
      extendEnv: true,
      // The IPC channel is the lifeline: if the supervisor dies, even by SIGKILL, it disconnects and the service exits.
      ipc: true,
      serialization: 'json',
      stdin: 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
      // Its own process group: a Ctrl-C on the terminal reaches only the supervisor, which then stops services in order.
      detached: true,
    });
    this.process = child;
    this.listening = false;
    child.on('message', (raw: unknown) => {
      const message = serviceMessage(raw);
      if (!message || this.process !== child) return;
      if (message.type !== SERVICE_LISTENING) return this.observer.message(this, message);
      this.listening = true;
      this.wakeReadiness?.();
    });
    this.move('starting', { attempt: this.attempt, pid: child.pid });
    for (const stream of ['stdout', 'stderr'] as const) {
      const reader = new LineReader((line) => {
        this.recentLines.push(line);
        if (this.recentLines.length > RECENT_LINES) this.recentLines.shift();
        this.observer.output(this, line, stream);
      });
      child[stream]?.on('data', (chunk: Buffer) => reader.push(chunk));
      child[stream]?.on('end', () => reader.end());
    }
    void child.then((result) => this.exited(child, result.exitCode ?? null, result.signal ?? null));
    this.probe ??= this.spec.probe();
    void this.awaitReady(child);
  }

  private async awaitReady(child: ResultPromise): Promise<void> {
    const deadline = performance.now() + this.probes.readyTimeoutMs;
    let lastError = 'no answer yet';
    while (this.process === child && this.stateValue === 'starting') {
      if (performance.now() > deadline) {
        this.fail(`not healthy within ${this.probes.readyTimeoutMs} ms (${lastError})`);
        child.kill('SIGKILL');
        return;
      }
      try {
        // A probe answered before our child says it is listening came from another process on its port.
        if (!this.listening) throw new Error('not listening yet');
        await (await this.probe!).check(Math.min(READY_ATTEMPT_MS, this.probes.readyTimeoutMs));
        if (this.process !== child || this.stateValue !== 'starting') return;
        this.move('running', { pid: child.pid, ms: Math.round(performance.now() - this.startedAt) });
        this.failFast = false;
        for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        this.watchLiveness(child);
        this.resetTimer = setTimeout(() => this.policy.reset(), this.policy.resetAfterMs);
        return;
      } catch (error) {
        lastError = (error as Error).message;
        // Probe again shortly, or at once when the child reports that it is listening.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, READY_POLL_MS);
          this.wakeReadiness = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeReadiness = null;
      }
    }
  }

  private watchLiveness(child: ResultPromise): void {
    this.livenessTimer = setInterval(() => {
      if (this.process !== child || this.stateValue !== 'running') return;
      void this.probe!.then((probe) => probe.check(Math.min(1000, this.probes.intervalMs))).then(
        () => {
          this.failures = 0;
        },
        () => {
          if (this.process !== child || this.stateValue !== 'running') return;
          this.failures++;
          if (this.failures >= this.probes.failures) {
            // A process that no longer answers (hung, or stopped) is killed and restarted like a crash.
            this.move('unhealthy', { pid: child.pid, failures: this.failures });
            child.kill('SIGKILL');
          }
        },
      );
    }, this.probes.intervalMs);
  }

  private fail(reason: string): void {
    const waiters = this.readyWaiters.splice(0);
    for (const waiter of waiters) waiter.reject(new Error(reason));
  }

  private exited(child: ResultPromise, code: number | null, signal: string | null): void {
    if (this.process !== child) return;
    this.clearTimers();
    this.process = null;
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    if (this.stateValue === 'stopping') {
      this.move('stopped', { pid: child.pid, code, signal });
      return;
    }
    this.move('exited', { pid: child.pid, code, signal });
    if (this.shuttingDown) {
      this.move('stopped', { pid: child.pid, code, signal });
      return;
    }
    if (this.failFast) {
      this.fail(`exited during start (${signal ? `signal ${signal}` : `code ${code}`})`);
      return;
    }
    const delay = this.policy.next();
    if (delay === undefined) {
      this.wentFatal = true;
      this.move('fatal', {
        reason: `restarted ${this.policy.recentRestarts - 1} times within the restart window and exited again`,
        attempt: this.policy.recentRestarts,
      });
      return;
    }
    this.move('backoff', { attempt: this.attempt + 1, delayMs: delay });
    this.backoffTimer = setTimeout(() => {
      if (this.stateValue === 'backoff') this.spawn();
    }, delay);
  }

  private clearTimers(): void {
    for (const timer of [this.livenessTimer, this.backoffTimer, this.resetTimer]) if (timer) clearTimeout(timer);
    this.livenessTimer = this.backoffTimer = this.resetTimer = null;
  }

  /** Releases the probe's sockets once the child is stopped for good. */
  dispose(): void {
    void this.probe?.then((probe) => probe.close());
    this.probe = null;
  }
}
