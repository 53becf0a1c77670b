import { Worker } from 'node:worker_threads';

interface ScryptRequest {
  id: number;
  passphrase: string;
  salt: string;
  keyBytes: number;
}

type ScryptReply = { id: number; key: string } | { id: number; error: string };

/**
 * The worker runs scrypt on its own thread. The asynchronous crypto.scrypt would run on libuv's
 * shared thread pool, where a flood of passphrase guesses queues ahead of the journal's fdatasync
 * and stalls every durable change; on these threads it can only delay other passphrase checks.
 * Evaluated from source, so the same code runs from dist/ and under the test runner.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (request) => {
  try {
    const key = scryptSync(request.passphrase, Buffer.from(request.salt, 'base64'), request.keyBytes);
    parentPort.postMessage({ id: request.id, key: key.toString('base64') });
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: String(error && error.message) });
  }
});
`;

export class ScryptBusyError extends Error {
  override name = 'ScryptBusyError';
}

interface Pending {
  request: ScryptRequest;
  resolve(key: Buffer): void;
  reject(error: Error): void;
}

/**
 * A fixed number of worker threads for passphrase hashing, with a bounded queue: at most
 * `workers` scrypt computations run at once, at most `maxQueued` wait, and beyond that a caller is
 * told at once that the service is busy instead of piling up work (and memory) behind a flood.
 */
export class ScryptPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly workers: number,
    private readonly maxQueued: number,
  ) {}

  derive(passphrase: string, salt: Buffer, keyBytes: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('passphrase hashing has stopped'));
    if (this.queue.length >= this.maxQueued) return Promise.reject(new ScryptBusyError('too many passphrase checks are waiting'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, passphrase, salt: salt.toString('base64'), keyBytes }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('passphrase hashing has stopped'));
    await Promise.all([...this.idle.splice(0), ...this.busy.keys()].map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.workers ? this.spawn() : undefined);
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.request);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (reply: ScryptReply) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      // An idle worker must not keep the process alive.
      worker.unref();
      this.idle.push(worker);
      if (pending) {
        if ('key' in reply) pending.resolve(Buffer.from(reply.key, 'base64'));
        else pending.reject(new Error(reply.error));
      }
      this.dispatch();
    });
    worker.on('error', (error) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      pending?.reject(error);
      this.dispatch();
    });
    return worker;
  }
}
