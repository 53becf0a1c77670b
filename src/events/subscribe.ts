import { Subscriber } from 'zeromq';
import { decodePublished, type ReceivedEvent } from './envelope.js';

interface SubscribeOptions {
  endpoint: string;
  /** Topic prefixes; empty means everything. */
  prefixes: string[];
  /** Called for each event; return false to stop. */
  onEvent(event: ReceivedEvent): boolean | undefined;
  signal?: AbortSignal;
  /** Called each time a connection to the broker is made: at first, and after each broker restart. */
  onConnect?: () => void;
  /** Called each time the connection to the broker is lost (ZeroMQ keeps retrying). */
  onDisconnect?: () => void;
}

/** Receives events until `onEvent` returns false or the signal aborts. */
export async function subscribe(options: SubscribeOptions): Promise<void> {
  // Retry every 10 ms while the broker is away (no backoff, a loopback connect is cheap), so that
  // after a restart this subscription is back before the events held meanwhile are replayed.
  const socket = new Subscriber({ linger: 0, reconnectInterval: 10 });
  if (options.onConnect) socket.events.on('connect', options.onConnect);
  if (options.onDisconnect) socket.events.on('disconnect', options.onDisconnect);
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
