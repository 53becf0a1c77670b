import type { CommonConfig } from '../config/options.js';
import type { EventPublisher } from '../events/publisher.js';
import type { RoutableType } from '../events/topics.js';
import { type EventFields, makeEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMessage, StopReason } from '../runtime/handshake.js';
import { childSpecs } from './child-spec.js';
import type { ChildState } from './child-state.js';
import type { LogSink } from './log-sink.js';
import type { RestartSettings } from './restart-policy.js';
import { startOrder } from './start-order.js';
import { type ChildObserver, type ProbeSettings, SupervisedChild, type TransitionDetail } from './supervised-child.js';

const MAX_HELD_EVENTS = 1000;
const RESUBSCRIBE_GRACE_MS = 100;

/** Sees what the supervisor sees of its children: the control endpoint's bookkeeping and figures. */
export interface SupervisorWatcher {
  transition(child: SupervisedChild, to: ChildState, detail: TransitionDetail): void;
  message(child: SupervisedChild, message: ServiceMessage): void;
}

export interface SupervisorSettings {
  only?: string[] | undefined;
  probes: ProbeSettings;
  restart: RestartSettings;
  /** Overrides every service's own stop grace. */
  stopGraceMs: number | undefined;
}

/** `up` could not bring a service up: says which, why, and what it printed last. */
export class StartFailure extends Error {
  override name = 'StartFailure';
  constructor(
    readonly service: string,
    readonly reason: string,
    readonly lastLines: string[],
  ) {
    super(`${service} failed to start: ${reason}`);
  }
}

/**
 * Runs the stack: starts services in dependency order, each only once the ones before it are
 * healthy; restarts them one for one; stops them in reverse order. Every state change of a child is
 * one log record (with `event` set to the event type) and one event on the broker.
 */
export class Supervisor implements ChildObserver {
  readonly children: SupervisedChild[];
  private stopping: Promise<void> | null = null;
  /**
   * Events raised while the event broker is down. They are published once it is healthy again
   * rather than queued in ZeroMQ, because by then subscribers have reconnected too: a broker
   * forwards nothing to subscribers that are not yet back.
   */
  private held: (() => void)[] | null = null;
  private readonly watchers: SupervisorWatcher[] = [];

  constructor(
    config: CommonConfig,
    private readonly settings: SupervisorSettings,
    private readonly logger: Logger,
    private readonly sink: LogSink,
    private readonly events: EventPublisher,
  ) {
    this.children = startOrder(childSpecs(config, settings.stopGraceMs), settings.only).map(
      (spec) => new SupervisedChild(spec, settings.probes, settings.restart, this),
    );
  }

  watch(watcher: SupervisorWatcher): void {
    this.watchers.push(watcher);
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  get fatal(): string[] {
    return this.children.filter((child) => child.failed).map((child) => child.name);
  }

  /** Starts every service in order; on the first that fails, stops the others and throws StartFailure. */
  async up(): Promise<number> {
    for (const child of this.children) {
      try {
        await child.start();
      } catch (error) {
        const failure = new StartFailure(
          child.name,
          reasonFrom(child.recentLines) ?? (error as Error).message,
          child.recentLines.slice(-10),
        );
        await this.down(`${child.name} failed to start`);
        throw failure;
      }
    }
    // Measured from the start of this process, as a user waiting for `up` experiences it.
    const ms = Math.round(process.uptime() * 1000);
    this.announce(
      'supervisor.up',
      { ms, services: this.children.map((child) => child.name) },
      'info',
      `all ${this.children.length} services healthy in ${ms} ms`,
    );
    return ms;
  }

  /**
   * Stops every service in reverse start order. Called again while stopping (a second Ctrl-C), it
   * kills whatever is still running at once and finishes the same shutdown.
   */
  down(reason: string, now = false): Promise<void> {
    if (this.stopping) {
      if (now) for (const child of this.children) child.kill();
      return this.stopping;
    }
    this.announce('supervisor.stopping', { reason }, 'info', `stopping (${reason})`);
    for (const child of this.children) child.windDown();
    this.stopping = (async () => {
      const started = performance.now();
      for (const child of [...this.children].reverse()) await child.stop(now);
      for (const child of this.children) child.dispose();
      const fatal = this.fatal;
      this.announce(
        'supervisor.stopped',
        { ms: Math.round(performance.now() - started), fatal },
        'info',
        fatal.length ? `stopped; ${fatal.join(', ')} had failed` : 'stopped',
      );
    })();
    return this.stopping;
  }

  /**
   * A control `stop`: stops the service and leaves it stopped, not restarted, until `startService`
   * (`restart` stops it the same way, telling it why).
   */
  stopService(name: string, reason: StopReason = 'stop'): Promise<void> {
    return this.child(name).stop(false, reason);
  }

  /**
   * A control `start`: a stopped, FATAL or waiting service is started afresh (restart history
   * cleared); resolves once it is healthy or has failed to start (it is then left exited).
   */
  async startService(name: string): Promise<void> {
    const child = this.child(name);
    if (child.state === 'running' || child.state === 'starting' || this.stopping) return;
    if (child.state !== 'stopped') await child.stop();
    child.revive();
    await child.start().catch(() => undefined);
  }

  private child(name: string): SupervisedChild {
    const child = this.children.find((candidate) => candidate.name === name);
    if (!child) throw new Error(`no service named ${name}`);
    return child;
  }

  message(child: SupervisedChild, message: ServiceMessage): void {
    for (const watcher of this.watchers) watcher.message(child, message);
  }

  transition(child: SupervisedChild, _from: ChildState, to: ChildState, detail: TransitionDetail): void {
    for (const watcher of this.watchers) watcher.transition(child, to, detail);
    if (child.spec.carriesEvents && (to === 'exited' || to === 'unhealthy')) this.held ??= [];
    this.describe(child, to, detail);
    if (child.spec.carriesEvents && to === 'running' && this.held) {
      const held = this.held;
      // A moment for subscribers to reconnect to the restarted broker: it forwards nothing to those not back yet.
      setTimeout(() => {
        if (this.held !== held || child.state !== 'running') return;
        this.held = null;
        for (const publish of held) publish();
      }, RESUBSCRIBE_GRACE_MS).unref();
    }
  }

  private describe(child: SupervisedChild, to: ChildState, detail: TransitionDetail): void {
    const service = child.name;
    const pid = detail.pid ?? 0;
    switch (to) {
      case 'starting':
        return this.announce(
          'service.starting',
          { service, attempt: detail.attempt ?? 1 },
          'info',
          `starting ${service}${(detail.attempt ?? 1) > 1 ? ` (attempt ${detail.attempt})` : ''}`,
          { pid },
        );
      case 'running':
        return this.announce(
          'service.healthy',
          { service, pid, ms: detail.ms ?? 0 },
          'info',
          `${service} healthy (pid ${pid}, ${detail.ms} ms)`,
        );
      case 'exited':
        return this.announce(
          'service.exited',
          { service, pid, code: detail.code ?? null, signal: detail.signal ?? null },
          this.stopping ? 'info' : 'warn',
          `${service} exited (${detail.signal ? `signal ${detail.signal}` : `code ${detail.code}`})`,
        );
      case 'unhealthy':
        return this.announce(
          'service.unhealthy',
          { service, pid, failures: detail.failures ?? 0 },
          'error',
          `${service} failed ${detail.failures} probes in a row; killing it to restart`,
        );
      case 'backoff':
        return this.announce(
          'service.restarting',
          { service, attempt: detail.attempt ?? 0, delay_ms: detail.delayMs ?? 0 },
          'warn',
          `restarting ${service} in ${detail.delayMs} ms`,
        );
      case 'fatal':
        return this.announce(
          'service.fatal',
          {
            service,
            restarts: this.settings.restart.maxRestarts,
            window_ms: this.settings.restart.windowMs,
            reason: detail.reason ?? 'exited too often',
          },
          'error',
          `${service} is FATAL: ${detail.reason}; giving up on it (the other services keep running)`,
        );
      case 'stopping':
        return this.announce('service.stopping', { service, pid }, 'info', `stopping ${service}`);
      case 'stopped':
        return this.announce(
          'service.stopped',
          { service, code: detail.code ?? null, signal: detail.signal ?? null },
          'info',
          `${service} stopped`,
        );
    }
  }

  output(child: SupervisedChild, line: string, stream: 'stdout' | 'stderr'): void {
    this.sink.service(child.name, line, stream);
  }

  private announce<T extends RoutableType>(
    type: T,
    fields: EventFields[T],
    level: 'info' | 'warn' | 'error',
    message: string,
    extra: Record<string, unknown> = {},
  ): void {
    this.logger[level]({ event: type, ...(fields as object), ...extra }, message);
    const event = makeEvent(type, 'supervisor', fields);
    const publish = (): void => void this.events.publish(event);
    if (this.held && this.held.length < MAX_HELD_EVENTS) this.held.push(publish);
    else if (!this.held) publish();
  }
}

/** The sentence a service logged when it gave up (e.g. "port 12345 is already in use (hub); …"). */
function reasonFrom(lines: string[]): string | undefined {
  for (const line of [...lines].reverse()) {
    try {
      const record = JSON.parse(line) as { level?: number; msg?: string };
      if ((record.level ?? 0) >= 50 && record.msg) return record.msg;
    } catch {
      // not a log record
    }
  }
  return undefined;
}
