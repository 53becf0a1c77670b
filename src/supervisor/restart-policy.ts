import type { RestartType } from '../stack/registry.js';
import type { ChildExit } from './child-process.js';

/** How restarts are paced and when to give up (OTP's intensity and period, with backoff). */
export interface RestartSettings {
  /** The delay before the second restart in a row; the first is immediate, and each after doubles it. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Healthy this long and the backoff starts over from the initial delay. */
  backoffResetMs: number;
  /** More restarts than this within `windowMs` and the service is fatal. */
  maxRestarts: number;
  windowMs: number;
}

/**
 * Paces restarts: the first after a healthy spell is immediate (a single crash costs only the
 * service's own start, and its clients wait in the held socket's backlog meanwhile); repeated
 * crashes back off from `backoffInitialMs`, doubling up to `backoffMaxMs`.
 */
export class RestartPolicy {
  private delay = 0;
  private restarts: number[] = [];

  constructor(private readonly settings: RestartSettings) {}

  /** Records a restart now; returns its delay, or undefined when the intensity limit is passed. */
  next(now = Date.now()): number | undefined {
    this.restarts = this.restarts.filter((at) => at > now - this.settings.windowMs);
    this.restarts.push(now);
    if (this.restarts.length > this.settings.maxRestarts) return undefined;
    const delay = this.delay;
    this.delay = delay === 0 ? this.settings.backoffInitialMs : Math.min(delay * 2, this.settings.backoffMaxMs);
    return delay;
  }

  get resetAfterMs(): number {
    return this.settings.backoffResetMs;
  }

  get recentRestarts(): number {
    return this.restarts.length;
  }

  reset(): void {
    this.delay = 0;
  }

  /** Clears the restart history as well (a service brought back by hand starts afresh). */
  forget(): void {
    this.reset();
    this.restarts = [];
  }
}

/** What follows an exit: a restart after a delay, giving up, or staying exited. */
type ExitDecision = { next: 'backoff'; delayMs: number } | { next: 'fatal'; reason: string } | { next: 'exited'; why: string };

interface ExitFacts {
  restart: RestartType;
  exit: ChildExit;
  /** It exited during a start someone asked for (up, or an operator) and had not become healthy: that start failed. */
  startFailed: boolean;
  /** The supervisor is stopping everything: an exit now is final. */
  supervisorStopping: boolean;
}

/** A clean exit, in OTP's terms a `normal` one: code 0, no signal. */
function isNormalExit(exit: ChildExit): boolean {
  return exit.code === 0 && exit.signal === null;
}

/**
 * The one place that decides whether an exited service is restarted (one for one): never while
 * the supervisor stops or when a requested start failed (whoever asked is told instead); then by
 * its restart type, as OTP does; then by the restart intensity.
 */
export function decideAfterExit(facts: ExitFacts, policy: RestartPolicy, now = Date.now()): ExitDecision {
  if (facts.supervisorStopping) return { next: 'exited', why: 'the supervisor is stopping' };
  if (facts.startFailed) return { next: 'exited', why: 'its start failed' };
  if (facts.restart === 'temporary') return { next: 'exited', why: 'it is temporary: never restarted' };
  if (facts.restart === 'transient' && isNormalExit(facts.exit)) return { next: 'exited', why: 'it is transient and exited normally' };
  const delayMs = policy.next(now);
  if (delayMs === undefined) {
    return { next: 'fatal', reason: `restarted ${policy.recentRestarts - 1} times within the restart window and exited again` };
  }
  return { next: 'backoff', delayMs };
}
