import { randomUUID } from 'node:crypto';
import { Push, Subscriber } from 'zeromq';
import { encodeEnvelope } from '../../events/envelope.js';
import { HEALTH_TOPIC_PREFIX, healthTopic } from '../../events/topics.js';
import { makeEvent } from '../../events/types.js';
import type { Probe } from './probe.js';

const RESEND_MS = 20;

/**
 * The broker is healthy when a nonce PUSHed on system/health/<nonce> comes back out of PUB. The
 * sockets stay open across checks (ZeroMQ reconnects them after a broker restart); a check resends
 * until its nonce arrives, since a fresh subscription takes a moment to reach the broker.
 */
export class BrokerProbe implements Probe {
  // Quick reconnects: a restarted broker is seen healthy as soon as it can be.
  private readonly push = new Push({ linger: 0, sendHighWaterMark: 100, sendTimeout: 0, reconnectInterval: 10 });
  private readonly sub = new Subscriber({ linger: 0, reconnectInterval: 10 });
  private readonly waiting = new Map<string, () => void>();
  private readonly loop: Promise<void>;

  constructor(pullEndpoint: string, pubEndpoint: string) {
    this.push.connect(pullEndpoint);
    this.sub.connect(pubEndpoint);
    this.sub.subscribe(HEALTH_TOPIC_PREFIX);
    this.loop = (async () => {
      try {
        for await (const [topic] of this.sub) this.waiting.get(topic!.toString().slice(HEALTH_TOPIC_PREFIX.length))?.();
      } catch {
        // closed
      }
    })();
  }

  check(timeoutMs: number): Promise<void> {
    const nonce = randomUUID();
    const frame = encodeEnvelope(healthTopic(nonce), makeEvent('health.probe', 'supervisor', { nonce }));
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearInterval(resend);
        clearTimeout(deadline);
        this.waiting.delete(nonce);
        if (error) reject(error);
        else resolve();
      };
      const send = (): void => void this.push.send(frame).catch(() => undefined);
      const resend = setInterval(send, RESEND_MS);
      const deadline = setTimeout(
        () => finish(new Error(`the health nonce did not come back through the broker within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiting.set(nonce, () => finish());
      send();
    });
  }

  close(): void {
    this.push.close();
    this.sub.close();
    void this.loop;
  }
}
