/** Most events held while the broker is down; later ones are dropped and counted. */
const MAX_HELD_EVENTS = 1000;
/** A moment for subscribers to reconnect to the restarted broker: it forwards nothing to those not back yet. */
const RESUBSCRIBE_GRACE_MS = 100;

/**
 * The supervisor's lifecycle events while the event broker is down. They are held and published
 * once it is healthy again, rather than queued in ZeroMQ, because by then subscribers have
 * reconnected too: a restarted broker forwards nothing to subscribers that are not back yet.
 */
export class EventHold {
  /** The sends held back, in order. */
  private held: (() => void)[] | null = null;
  private dropped = 0;

  constructor(
    private readonly graceMs = RESUBSCRIBE_GRACE_MS,
    private readonly limit = MAX_HELD_EVENTS,
  ) {}

  get holding(): boolean {
    return this.held !== null;
  }

  /** Publishes an event now (`publish` does), or holds it while the broker is down. */
  send(publish: () => void): void {
    if (!this.held) publish();
    else if (this.held.length < this.limit) this.held.push(publish);
    else this.dropped++;
  }

  /** The broker went down: hold events from now on. */
  hold(): void {
    this.held ??= [];
  }

  /**
   * The broker is healthy again: after the grace, if `stillUp()` then, publishes what was held and
   * resolves with how many events were dropped beyond the limit. A new `hold()` meanwhile keeps them held.
   */
  release(stillUp: () => boolean): Promise<number> {
    const held = this.held;
    if (!held) return Promise.resolve(0);
    return new Promise((resolve) => {
      setTimeout(() => {
        if (this.held !== held || !stillUp()) return resolve(0);
        const dropped = this.dropped;
        this.held = null;
        this.dropped = 0;
        for (const publish of held) publish();
        resolve(dropped);
      }, this.graceMs).unref();
    });
  }
}
