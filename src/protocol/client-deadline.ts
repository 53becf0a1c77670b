/** What a client's deadline asks of its connection when it has passed. */
export type DeadlineDue = 'none' | 'introduction' | 'ping' | 'silence';

/**
 * The one deadline a client connection has at any time: first to introduce itself (hello, IRC
 * registration); once admitted, to send anything within the idle time; once pinged for that
 * silence, to answer within the ping time. A server checks all its connections' from one sweep,
 * so an idle connection costs no timer of its own.
 */
export class ClientDeadline {
  private at: number;
  private admitted = false;
  private pinged = false;

  constructor(
    private readonly times: { idleTimeoutMs: number; pingTimeoutMs: number },
    introductionMs: number,
    now = Date.now(),
  ) {
    this.at = now + introductionMs;
  }

  /** Admitted (by a ticket, a registration): from now on silence is what is timed. */
  admit(now = Date.now()): void {
    this.admitted = true;
    this.heard(now);
  }

  /** Input arrived: an admitted client's silence starts over, and any input answers a ping. */
  heard(now = Date.now()): void {
    if (!this.admitted) return;
    this.pinged = false;
    this.at = now + this.times.idleTimeoutMs;
  }

  /**
   * What is due at `now`: nothing yet; the introduction that never came; a ping to send (the ping
   * deadline starts now); or the silence that outlasted the ping.
   */
  due(now: number): DeadlineDue {
    if (now < this.at) return 'none';
    if (!this.admitted) return 'introduction';
    if (this.pinged) return 'silence';
    this.pinged = true;
    this.at = now + this.times.pingTimeoutMs;
    return 'ping';
  }
}
