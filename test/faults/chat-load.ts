import { HubClient, type OutgoingMessage } from '../../src/clients/chat/hub-client.js';
import type { Admission, RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import type { HubFrame } from '../../src/protocol/frames.js';
import { waitFor } from '../helpers/wait.js';

interface Sent {
  message: OutgoingMessage;
  sender: number;
  sentAt: number;
  outcome: 'pending' | 'acked' | 'unsent';
  settledAt: number;
}

/** One simulated person: the real chat client's connection logic, and what it saw. */
class Chatter {
  readonly client: HubClient;
  readonly received = new Set<string>();
  /** [from, to) intervals during which the client was connected and in its room. */
  readonly readySpans: [number, number][] = [];

  constructor(
    readonly index: number,
    admission: Admission,
    renew: (room: string) => Promise<Admission>,
  ) {
    this.client = new HubClient({ host: admission.hub.host, port: admission.hub.port, renew });
    this.client.on('state', (state) => {
      const open = this.readySpans.at(-1);
      if (state === 'ready') this.readySpans.push([Date.now(), Infinity]);
      else if (open && open[1] === Infinity) open[1] = Date.now();
    });
    this.client.on('frame', (frame: HubFrame) => {
      if (frame.type === 'message') this.received.add(frame.text);
    });
    this.client.start([admission]);
  }

  wasReadyThroughout(from: number, to: number): boolean {
    return this.readySpans.some(([start, end]) => start <= from && end >= to);
  }
}

/**
 * Chat traffic for the fault drills: `count` clients in one room, each sending a numbered message
 * every `intervalMs`, and the books to check that nothing acknowledged went missing.
 */
export class ChatLoad {
  readonly chatters: Chatter[] = [];
  readonly sent: Sent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private counter = 0;

  private constructor(private readonly room: string) {}

  static async start(rooms: RoomsClient, room: string, count: number, intervalMs: number): Promise<ChatLoad> {
    const load = new ChatLoad(room);
    const owner = await rooms.createRoom(room, 'drill-0');
    const admissions = [owner, ...(await Promise.all(Array.from({ length: count - 1 }, (_, i) => rooms.joinRoom(room, `drill-${i + 1}`))))];
    for (const [index, admission] of admissions.entries()) {
      const tickets = new Map([[admission.room, admission]]);
      load.chatters.push(
        new Chatter(index, admission, async (r) => {
          const fresh = await rooms.joinRoom(r, admission.user, { ticket: tickets.get(r)!.ticket });
          tickets.set(r, fresh);
          return fresh;
        }),
      );
    }
    load.track();
    await load.allReady(10_000);
    load.timer = setInterval(() => load.tick(), intervalMs / count);
    return load;
  }

  private tick(): void {
    const chatter = this.chatters[this.counter % this.chatters.length]!;
    const text = `drill message ${this.counter++} from ${chatter.index}`;
    const entry: Sent = {
      message: chatter.client.say(this.room, text),
      sender: chatter.index,
      sentAt: Date.now(),
      outcome: 'pending',
      settledAt: 0,
    };
    this.sent.push(entry);
  }

  private track(): void {
    for (const chatter of this.chatters) {
      chatter.client.on('acked', (message) => this.settle(message, 'acked'));
      chatter.client.on('unsent', (message) => this.settle(message, 'unsent'));
    }
  }

  private settle(message: OutgoingMessage, outcome: 'acked' | 'unsent'): void {
    const entry = this.sent.find((sent) => sent.message === message);
    if (entry && entry.outcome === 'pending') {
      entry.outcome = outcome;
      entry.settledAt = Date.now();
    }
  }

  allReady(timeoutMs: number): Promise<true> {
    return waitFor('every chat client to be connected and in its room', () => this.chatters.every((c) => c.client.state === 'ready'), {
      timeoutMs,
      intervalMs: 10,
    });
  }

  ackedBetween(from: number, to: number): number {
    return this.sent.filter((s) => s.outcome === 'acked' && s.settledAt >= from && s.settledAt <= to).length;
  }

  /** Stops sending and waits until every message typed is either acknowledged or reported unsent. */
  async settleAll(timeoutMs = 15_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await waitFor('every message to be acknowledged or reported unsent', () => this.sent.every((s) => s.outcome !== 'pending'), {
      timeoutMs,
    });
    // Deliveries of the last acknowledged messages may still be on the wire.
    await waitFor('the last deliveries', () => this.missing().length === 0, { timeoutMs: 5000 }).catch(() => undefined);
  }

  resume(intervalMs: number): void {
    this.timer ??= setInterval(() => this.tick(), intervalMs / this.chatters.length);
  }

  /** Acknowledged messages that a member connected throughout their sending did not receive. */
  missing(): string[] {
    const missing: string[] = [];
    for (const sent of this.sent.filter((s) => s.outcome === 'acked')) {
      for (const chatter of this.chatters) {
        if (chatter.index === sent.sender || !chatter.wasReadyThroughout(sent.sentAt, sent.settledAt)) continue;
        if (!chatter.received.has(sent.message.text)) missing.push(`${sent.message.text} → drill-${chatter.index}`);
      }
    }
    return missing;
  }

  counts(): { typed: number; acked: number; unsent: number; pending: number } {
    const count = (outcome: Sent['outcome']): number => this.sent.filter((s) => s.outcome === outcome).length;
    return { typed: this.sent.length, acked: count('acked'), unsent: count('unsent'), pending: count('pending') };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const chatter of this.chatters) chatter.client.close();
  }
}

/** An admin creating and joining rooms in a loop; remembers every create that was acknowledged. */
export class AdminLoop {
  readonly created: string[] = [];
  failures = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(rooms: RoomsClient) {
    this.done = (async () => {
      for (let i = 0; this.running && i < 100_000; i++) {
        try {
          const name = `admin-${i}`;
          await rooms.createRoom(name, 'admin');
          this.created.push(name);
          await rooms.joinRoom(name, `guest-${i}`);
        } catch {
          this.failures++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
