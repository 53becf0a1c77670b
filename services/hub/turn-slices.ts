/**
 * Work that must not all happen in one turn of the event loop, done `sliceMs` worth at a time,
 * oldest first, with the loop turning between slices for pings, probes and chat.
 *
 * When thousands connect at once (a hub restart brings a whole community back in the same
 * second), one turn would otherwise check every ticket, log every login and write every welcome
 * before answering anyone else: a stall of seconds. Each new connection's first input waits here
 * instead, and so does a large room's presence summary, in chunks of members.
 *
 * Chat input waits here too once the hub is behind (`crowded`): libuv hands over every socket that
 * became readable in one poll phase (up to 48 × 1,024 of them) before it runs a timer again, and
 * each message is a write to every member of its room. Under more load than the CPU can carry
 * (10,000 clients on a shared two-core machine) such a phase ran for seconds: pings, deadlines
 * and the supervisor's probe waited that long. Deferred input keeps its order (each connection
 * holds its own, its socket paused), so the hub only falls behind, in slices, as it would anyway.
 */
export class TurnSlices {
  private queue: Array<(() => void) | undefined> = [];
  private head = 0;
  private scheduled = false;
  /** When this turn of the loop first asked `crowded`; cleared in the turn's check phase. */
  private turnStarted: number | undefined;

  constructor(private readonly sliceMs: number) {}

  get queued(): number {
    return this.queue.length - this.head;
  }

  /**
   * Whether input that arrives now should wait its turn: older work already waits, or this turn
   * of the loop has spent a slice since input was first handled in it.
   */
  crowded(): boolean {
    if (this.queued > 0) return true;
    const now = performance.now();
    if (this.turnStarted === undefined) {
      this.turnStarted = now;
      setImmediate(() => {
        this.turnStarted = undefined;
      });
      return false;
    }
    return now - this.turnStarted >= this.sliceMs;
  }

  add(task: () => void): void {
    this.queue.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    while (this.head < this.queue.length) {
      const task = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      task();
      if (performance.now() >= until) break;
    }
    // Done work is dropped from the front once it is most of the array, so the queue stays as long as what waits.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.head < this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }
}
