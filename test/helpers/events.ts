import { randomUUID } from 'node:crypto';
import { Push, Subscriber } from 'zeromq';
import { decodePublished, encodeEnvelope, type ReceivedEvent } from '../../src/events/envelope.js';
import { healthTopic } from '../../src/events/topics.js';
import { parseEvent } from '../../src/events/types.js';
import type { StackEnv } from './processes.js';
import { waitFor } from './wait.js';

/**
 * Subscribes to the test broker and keeps every event it sees. `ready()` resolves once the
 * subscription is known to be live (a probe came back), which defeats ZeroMQ's slow joiner.
 */
export class EventCollector {
  readonly events: ReceivedEvent[] = [];
  // Reconnects quickly after a broker restart, ahead of publishers replaying what they queued meanwhile.
  private readonly socket = new Subscriber({ linger: 0, reconnectInterval: 10 });
  private readonly loop: Promise<void>;

  constructor(
    private readonly stack: Pick<StackEnv, 'brokerPubPort' | 'brokerPullPort'>,
    prefixes: string[] = [],
  ) {
    this.socket.connect(`tcp://127.0.0.1:${stack.brokerPubPort}`);
    this.socket.subscribe(...prefixes, 'system/health/');
    this.loop = (async () => {
      try {
        for await (const [topic, payload] of this.socket) this.events.push(decodePublished(topic!, payload));
      } catch {
        // closed
      }
    })();
  }

  async ready(timeoutMs = 10_000): Promise<void> {
    const push = new Push({ linger: 0 });
    push.connect(`tcp://127.0.0.1:${this.stack.brokerPullPort}`);
    const nonce = randomUUID();
    try {
      await waitFor(
        'a live subscription',
        async () => {
          await push.send(encodeEnvelope(healthTopic(nonce), { type: 'health.probe', nonce }));
          return this.events.some((event) => event.topic === healthTopic(nonce));
        },
        { timeoutMs, intervalMs: 50 },
      );
    } finally {
      push.close();
    }
  }

  /** Events of this type that are well-formed (parseEvent accepts them): a malformed one never matches. */
  ofType(type: string): ReceivedEvent[] {
    return this.events.filter((event) => isWellFormed(event, type));
  }

  waitFor(what: string, match: (event: ReceivedEvent) => boolean, timeoutMs = 10_000): Promise<ReceivedEvent> {
    return waitFor(`event: ${what}`, () => this.events.find(match), { timeoutMs });
  }

  waitForType(type: string, match: (payload: Record<string, unknown>) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedEvent> {
    return this.waitFor(type, (event) => isWellFormed(event, type) && match(event.payload as Record<string, unknown>), timeoutMs);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.loop;
  }
}

function isWellFormed(event: ReceivedEvent, type: string): boolean {
  const parsed = parseEvent(event);
  return parsed.ok && parsed.event.type === type;
}
