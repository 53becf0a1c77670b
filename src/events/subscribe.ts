import { Subscriber } from 'zeromq';
import { decodePublished, type ReceivedEvent } from './envelope.js';

export interface SubscribeOptions {
  endpoint: string;
  /** Topic prefixes; empty means everything. */
  prefixes: string[];
  /** Called for each event; return false to stop. */
  onEvent(event: ReceivedEvent): boolean | void;
  signal?: AbortSignal;
}

/** Receives events until `onEvent` returns false or the signal aborts. */
export async function subscribe(options: SubscribeOptions): Promise<void> {
  // Reconnect fast after a broker restart (backing off to 1 s while it stays down), so that events
  // publishers queued meanwhile are not replayed before this subscription is back.
  const socket = new Subscriber({ linger: 0, reconnectInterval: 10, reconnectMaxInterval: 1000 });
  socket.connect(options.endpoint);
  if (options.prefixes.length === 0) socket.subscribe();
  else socket.subscribe(...options.prefixes);
  const abort = (): void => socket.close();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (error) {
        if (socket.closed) return;
        throw error;
      }
      if (options.onEvent(decodePublished(frames[0]!, frames[1])) === false) return;
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (!socket.closed) socket.close();
  }
}
