/** How restarts are paced and when to give up (OTP's intensity and period, with backoff). */
export interface RestartSettings {
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Healthy this long and the backoff starts over from the initial delay. */
  backoffResetMs: number;
  /** More restarts than this within `windowMs` and the service is fatal. */
  maxRestarts: number;
  windowMs: number;
}

export class RestartPolicy {
  private delay: number;
  private restarts: number[] = [];

  constructor(private readonly settings: RestartSettings) {
    this.delay = settings.backoffInitialMs;
  }

  /** Records a restart now; returns its delay, or undefined when the intensity limit is passed. */
  next(now = Date.now()): number | undefined {
    this.restarts = this.restarts.filter((at) => at > now - this.settings.windowMs);
    this.restarts.push(now);
    if (this.restarts.length > this.settings.maxRestarts) return undefined;
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.settings.backoffMaxMs);
    return delay;
  }

  get resetAfterMs(): number {
    return this.settings.backoffResetMs;
  }

  get recentRestarts(): number {
    return this.restarts.length;
  }

  reset(): void {
    this.delay = this.settings.backoffInitialMs;
  }

  /** Clears the restart history as well (a service brought back by hand starts afresh). */
  forget(): void {
    this.reset();
    this.restarts = [];
  }
}
