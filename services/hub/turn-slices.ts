/**
 * Work that must not all happen in one turn of the event loop, done `sliceMs` worth at a time,
 * oldest first, with the loop turning between slices for pings, probes and chat.
 *
 * When thousands connect at once (a hub restart brings a whole community back in the same
 * second), one turn would otherwise check every ticket, log every login and write every welcome
 * before answering anyone else: a stall of seconds. Each new connection's first input waits here
 * instead, and so does a large room's presence summary, in chunks of members.
 */
export class TurnSlices {
  private queue: Array<(() => void) | undefined> = [];
  private head = 0;
  private scheduled = false;

  constructor(private readonly sliceMs: number) {}

  get queued(): number {
    return this.queue.length - this.head;
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
