import type { CommonConfig } from '../config/options.js';
import type { EventPublisher } from '../events/publisher.js';
import type { RoutableType } from '../events/topics.js';
import { type EventFields, makeEvent } from '../events/types.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMessage, StopReason } from '../runtime/handshake.js';
import { type Launcher, launchChild } from './child-process.js';
import { childSpecs } from './child-spec.js';
import {
  type AnyTransitionDetail,
  type ChildState,
  isIn,
  RUNNING_STATES,
  type StateEvent,
  stateEvent,
  type TransitionDetail,
} from './child-state.js';
import { EventHold } from './event-hold.js';
import { STATE_LOG } from './lifecycle-log.js';
import type { LogSink } from './log-sink.js';
import type { RestartSettings } from './restart-policy.js';
import { startOrder } from './start-order.js';
import { type ChildHost, type ChildStatus, type ProbeSettings, SupervisedChild } from './supervised-child.js';

/** Sees what the supervisor sees of its children: the control endpoint's bookkeeping and figures. */
export interface SupervisorWatcher {
  transition(child: SupervisedChild, to: ChildState, detail: AnyTransitionDetail): void;
  message(child: SupervisedChild, message: ServiceMessage): void;
}

interface SupervisorSettings {
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

/** The supervisor's own lifecycle: it stops only once, and nothing is restarted while it does. */
type Phase = 'idle' | 'starting' | 'up' | 'stopping';

/**
 * Runs the stack: starts every service at once; restarts them one for one; stops them in reverse
 * dependency order. Every state change of a child is
 * one log record (with `event` set to the event type) and one event on the broker.
 *
 * Its public surface is what a control plane needs: `list`, `startChild`, `stopChild`,
 * `restartChild`, and `startAll` / `stopAll` for the whole stack.
 */
export class Supervisor implements ChildHost {
  readonly children: SupervisedChild[];
  private phase: Phase = 'idle';
  private stopped: Promise<void> | null = null;
  private readonly hold = new EventHold();
  private readonly watchers: SupervisorWatcher[] = [];

  constructor(
    config: CommonConfig,
    settings: SupervisorSettings,
    private readonly logger: Logger,
    private readonly sink: LogSink,
    private readonly events: EventPublisher,
    launch: Launcher = launchChild,
  ) {
    this.children = startOrder(childSpecs(config, settings.stopGraceMs), settings.only).map(
      (spec) => new SupervisedChild(spec, settings.probes, settings.restart, this, launch),
    );
  }

  watch(watcher: SupervisorWatcher): void {
    this.watchers.push(watcher);
  }

  get stopping(): boolean {
    return this.phase === 'stopping';
  }

  /** The services it gave up on. */
  get fatal(): string[] {
    return this.children.filter((child) => child.state === 'fatal').map((child) => child.name);
  }

  /** One line per service, in start order. */
  list(): ChildStatus[] {
    return this.children.map((child) => child.status());
  }

  /**
   * Starts every service at once (see `ServiceEntry.dependsOn` for why none waits for another); on
   * the first that fails, stops the others and throws StartFailure.
   */
  async startAll(): Promise<number> {
    this.phase = 'starting';
    let failure: StartFailure | undefined;
    await Promise.all(
      this.children.map((child) =>
        child.start().catch((error: Error) => {
          // The first failure ends the start; stopping the others then fails their starts too, which says nothing new.
          if (failure) return;
          failure = new StartFailure(child.name, reasonFrom(child.recentLines) ?? error.message, child.recentLines.slice(-10));
          return this.stopAll(`${child.name} failed to start`);
        }),
      ),
    );
    if (failure) throw failure;
    this.phase = 'up';
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
   * Starts one stopped, exited or fatal service afresh (restart count cleared, as supervisord's
   * `start`); one waiting to restart is started now. Resolves once it is healthy; rejects with the
   * reason if it fails first (it is then left exited). One already up, or a stack stopping, is left alone.
   */
  async startChild(name: string): Promise<void> {
    const child = this.child(name);
    if (this.stopping || (isIn(RUNNING_STATES, child.state) && child.state !== 'backoff')) return;
    if (child.state === 'backoff') await child.stop();
    await child.start();
  }

  /**
   * Stops one service and leaves it stopped, not restarted, until `startChild`. With a reason it is
   * asked over IPC, so it can tell its clients why (the hub says whether it comes back at once).
   */
  stopChild(name: string, reason?: StopReason): Promise<void> {
    return this.child(name).stop(reason);
  }

  /** Stops one service gracefully (telling it it comes back), then starts it. */
  async restartChild(name: string): Promise<void> {
    await this.stopChild(name, 'restart');
    await this.startChild(name);
  }

  /**
   * Stops every service in reverse start order. Called again while stopping (a second Ctrl-C) with
   * `immediately`, it kills whatever is still running at once and finishes the same shutdown.
   */
  stopAll(reason: string, options: { immediately?: boolean } = {}): Promise<void> {
    if (this.stopped) {
      if (options.immediately) for (const child of this.children) child.killNow();
      return this.stopped;
    }
    this.phase = 'stopping';
    this.announce('supervisor.stopping', { reason }, 'info', `stopping (${reason})`);
    this.stopped = (async () => {
      const started = performance.now();
      for (const child of [...this.children].reverse()) {
        const stopped = child.stop();
        if (options.immediately) child.killNow();
        await stopped;
      }
      for (const child of this.children) child.dispose();
      const fatal = this.fatal;
      this.announce(
        'supervisor.stopped',
        { ms: Math.round(performance.now() - started), fatal },
        'info',
        fatal.length ? `stopped; ${fatal.join(', ')} had failed` : 'stopped',
      );
    })();
    return this.stopped;
  }

  transition<S extends ChildState>(child: SupervisedChild, _from: ChildState, to: S, detail: TransitionDetail<S>): void {
    for (const watcher of this.watchers) watcher.transition(child, to, detail);
    if (child.spec.carriesEvents && (to === 'exited' || to === 'unhealthy')) this.hold.hold();
    const line = STATE_LOG[to](child.name, detail, this.stopping);
    this.announce(stateEvent(to), { service: child.name, ...detail } as EventFields[StateEvent<S>], line.level, line.message);
    if (child.spec.carriesEvents && to === 'running' && this.hold.holding) {
      void this.hold
        .release(() => child.state === 'running')
        .then((dropped) => {
          if (dropped > 0) this.logger.warn({ dropped }, `${dropped} lifecycle events were dropped while the broker was down`);
        });
    }
  }

  message(child: SupervisedChild, message: ServiceMessage): void {
    for (const watcher of this.watchers) watcher.message(child, message);
  }

  output(child: SupervisedChild, line: string, stream: 'stdout' | 'stderr'): void {
    this.sink.service(child.name, line, stream);
  }

  private child(name: string): SupervisedChild {
    const child = this.children.find((candidate) => candidate.name === name);
    if (!child) throw new Error(`no service "${name}"; the supervisor runs ${this.children.map((c) => c.name).join(', ')}`);
    return child;
  }

  private announce<T extends RoutableType>(type: T, fields: EventFields[T], level: 'info' | 'warn' | 'error', message: string): void {
    this.logger[level]({ event: type, ...(fields as object) }, message);
    const event = makeEvent(type, 'supervisor', fields);
    this.hold.send(() => void this.events.publish(event));
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
