import type { Socket } from 'node:net';

/**
 * The server's end of one client's TCP stream, for the hub and the IRC gateway alike. Output is
 * batched: what is queued in one event-loop turn leaves in one write on the next tick (one copy and
 * one syscall instead of one per frame or line). It is bounded: a client whose unwritten output
 * passes `maxOutputBytes` does not read fast enough to keep, and dropping it keeps memory bounded
 * and everyone else on time.
 *
 * Input goes to `onData`; an error and a close each call `onGone` (a failing socket does both), so
 * what it does must happen once.
 */
export class ClientStream {
  /** Buffers (the hub's frames, encoded once for a whole room) or text (IRC lines, made per client). */
  private queued: Array<Buffer | string> = [];
  private queuedBytes = 0;

  constructor(
    private readonly socket: Socket,
    private readonly maxOutputBytes: number,
    onData: (chunk: Buffer) => void,
    onGone: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', onData);
    socket.on('error', onGone);
    socket.on('close', onGone);
  }

  /**
   * Queues bytes for the next write (whether the client is still to be written to is its owner's
   * call); false once more is waiting than the client may have: it is too slow to keep.
   */
  queue(bytes: Buffer | string): boolean {
    this.queued.push(bytes);
    this.queuedBytes += typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
    if (this.queued.length === 1) process.nextTick(() => this.flush());
    return this.socket.writableLength + this.queuedBytes <= this.maxOutputBytes;
  }

  /**
   * Ends the stream with `last` (a bye, an ERROR line). What is queued goes first — the error that
   * explains the close, say — unless `dropQueued`: a client too slow to read gets none of its backlog.
   */
  end(last: Buffer | string, dropQueued: boolean): void {
    const queued = this.take();
    if (queued && !dropQueued) this.socket.write(queued);
    this.socket.end(last);
  }

  destroy(): void {
    this.take();
    this.socket.destroy();
  }

  private flush(): void {
    const queued = this.take();
    if (queued && !this.socket.writableEnded && !this.socket.destroyed) this.socket.write(queued);
  }

  private take(): Buffer | string | undefined {
    const queued = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    if (queued.length === 0) return undefined;
    if (queued.length === 1) return queued[0];
    // Lines of text are joined and encoded once, in the write: a Buffer per line cost the IRC gateway 10 % of its throughput.
    if (queued.every((item) => typeof item === 'string')) return queued.join('');
    return Buffer.concat(queued.map((item) => (typeof item === 'string' ? Buffer.from(item) : item)));
  }
}
