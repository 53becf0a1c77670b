import type { ServiceStatus, StackStatus } from '../../protocol/control-api.js';
import { type ServiceStats, STATS_ANSWER, STATS_REQUEST } from '../../runtime/handshake.js';
import type { SupervisedChild } from '../supervised-child.js';
import type { Supervisor } from '../supervisor.js';
import type { ControlTarget } from './control-methods.js';
import { FigureSampler } from './figure-sampler.js';
import { ServiceHistory } from './service-history.js';

/** A service that has not answered for its figures within this long is left out of them. */
const STATS_TIMEOUT_MS = 1000;

export interface StackInfo {
  version: string;
  dataDir: string;
  /** The restart window the FATAL limit counts in (--restart-window). */
  restartWindowMs: number;
  /** Ends the process's supervision: what SIGTERM does (the `up` command owns the exit). */
  shutdown(reason: string): void;
}

/**
 * The running stack as the control endpoint sees it: the supervisor's children, what happened to
 * each (ServiceHistory), and their own figures (FigureSampler, over each child's IPC channel).
 */
export class StackControl implements ControlTarget {
  readonly serviceNames: readonly string[];
  readonly sampler: FigureSampler;
  private readonly history: ServiceHistory;
  private readonly startedAt = Date.now();
  private readonly statsWaiters = new Map<string, ((stats: ServiceStats) => void)[]>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly info: StackInfo,
  ) {
    this.serviceNames = supervisor.children.map((child) => child.name);
    this.history = new ServiceHistory(info.restartWindowMs);
    this.sampler = new FigureSampler(this.serviceNames, (service) => this.askStats(service));
    supervisor.watch({
      transition: (child, to, detail) => this.history.transition(child.name, to, detail),
      message: (child, message) => {
        if (message.type !== STATS_ANSWER) return;
        for (const resolve of this.statsWaiters.get(child.name)?.splice(0) ?? []) resolve(message.stats);
      },
    });
  }

  status(): StackStatus {
    const now = Date.now();
    return {
      pid: process.pid,
      since: new Date(this.startedAt).toISOString(),
      uptime_s: Math.floor((now - this.startedAt) / 1000),
      version: this.info.version,
      data_dir: this.info.dataDir,
      stopping: this.supervisor.stopping,
      services: this.supervisor.children.map((child) => this.serviceStatus(child, now)),
      figures: this.sampler.figures(),
    };
  }

  async start(services: readonly string[]): Promise<void> {
    for (const name of services) {
      this.history.forgetRestarts(name);
      // A start that fails leaves the service exited; its status says why.
      await this.supervisor.startChild(name).catch(() => undefined);
    }
  }

  async stop(services: readonly string[]): Promise<void> {
    for (const name of [...services].reverse()) {
      this.history.expectStop(name, 'stopped by thiscord stop');
      await this.supervisor.stopChild(name, 'stop');
    }
  }

  /** Stops them in reverse start order, then starts them in order: dependencies come back first. */
  async restart(services: readonly string[]): Promise<void> {
    for (const name of [...services].reverse()) {
      this.history.expectStop(name, 'stopped by thiscord restart');
      await this.supervisor.stopChild(name, 'restart');
    }
    await this.start(services);
  }

  shutdown(reason: string): void {
    this.sampler.stop();
    this.info.shutdown(reason);
  }

  private serviceStatus(child: SupervisedChild, now: number): ServiceStatus {
    const history = this.history.of(child.name, now);
    const running = child.state === 'running' && history.runningSince !== undefined;
    return {
      name: child.name,
      state: child.state,
      ...(child.pid !== undefined && { pid: child.pid }),
      ...(running && {
        since: new Date(history.runningSince!).toISOString(),
        uptime_s: Math.floor((now - history.runningSince!) / 1000),
      }),
      restarts: history.restarts,
      restarts_total: history.restartsTotal,
      ...(history.lastExit && { last_exit: history.lastExit }),
      endpoint: child.spec.endpoint,
    };
  }

  private askStats(service: string): Promise<{ pid: number; stats: ServiceStats } | undefined> {
    const child = this.supervisor.children.find((candidate) => candidate.name === service);
    const pid = child?.pid;
    if (child?.state !== 'running' || pid === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiters = this.statsWaiters.get(service) ?? [];
      this.statsWaiters.set(service, waiters);
      const answered = (stats: ServiceStats): void => {
        clearTimeout(timer);
        resolve({ pid, stats });
      };
      const giveUp = (): void => {
        clearTimeout(timer);
        const index = waiters.indexOf(answered);
        if (index >= 0) waiters.splice(index, 1);
        resolve(undefined);
      };
      const timer = setTimeout(giveUp, STATS_TIMEOUT_MS);
      waiters.push(answered);
      if (!child.send({ type: STATS_REQUEST })) giveUp();
    });
  }
}
