import { HubClient, type OutgoingMessage } from '../../src/clients/chat/hub-client.js';
import { socketHub } from '../../src/clients/chat/socket-transport.js';
import type { Admission, RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import type { HubFrame } from '../../src/protocol/frames.js';
import { waitFor } from '../helpers/wait.js';

/** Messages a room's history replays on join (the hub's --history default). */
const HISTORY = 50;

interface Sent {
  message: OutgoingMessage;
  sender: number;
  sentAt: number;
  outcome: 'pending' | 'acked' | 'unsent';
  settledAt: number;
  /** Why it was reported unsent. */
  reason?: string;
}

/** One simulated person: the real chat client's connection logic, and what it saw. */
class Chatter {
  readonly client: HubClient;
  /** Texts received, live or replayed as history. */
  readonly received = new Set<string>();
  /** [from, to) intervals during which the client was connected and in its room. */
  readonly readySpans: [number, number][] = [];
  /** Each history replay: when it came and how many messages it held. */
  readonly replays: { at: number; size: number }[] = [];

  constructor(
    readonly index: number,
    admission: Admission,
    renew: (room: string) => Promise<Admission>,
  ) {
    this.client = new HubClient({ connect: socketHub(admission.hub), renew });
    this.client.on('state', (state) => {
      const open = this.readySpans.at(-1);
      if (state === 'ready') this.readySpans.push([Date.now(), Infinity]);
      else if (open && open[1] === Infinity) open[1] = Date.now();
    });
    this.client.on('frame', (frame: HubFrame) => {
      if (frame.type === 'message') this.received.add(frame.text);
      if (frame.type === 'history') {
        for (const entry of frame.messages) this.received.add(entry.text);
        this.replays.push({ at: Date.now(), size: frame.messages.length });
      }
    });
    this.client.start([admission]);
  }

  readyAt(time: number): boolean {
    return this.readySpans.some(([start, end]) => start <= time && end > time);
  }
}

/**
 * Chat traffic for the fault drills: `count` clients in one room, each sending a numbered message
 * every `intervalMs`, and the books to check that nothing acknowledged went missing.
 */
export class ChatLoad {
  readonly chatters: Chatter[] = [];
  readonly sent: Sent[] = [];
  /** When the hub was killed: its history (memory only) went with it. */
  readonly hubLostAt: number[] = [];
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
      chatter.client.on('unsent', (message, reason) => this.settle(message, 'unsent', reason));
    }
  }

  private settle(message: OutgoingMessage, outcome: 'acked' | 'unsent', reason?: string): void {
    const entry = this.sent.find((sent) => sent.message === message);
    if (entry && entry.outcome === 'pending') {
      entry.outcome = outcome;
      entry.settledAt = Date.now();
      if (reason !== undefined) entry.reason = reason;
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

  /** Messages typed in [from, to) that were sent again after a reconnect and then acknowledged. */
  resentAndAcked(from: number, to: number): number {
    return this.sent.filter((s) => s.outcome === 'acked' && s.sentAt >= from && s.sentAt < to).length;
  }

  /** Stops sending, waits until every message typed is settled and every client is back in the room. */
  async settleAll(timeoutMs = 15_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await waitFor('every message to be acknowledged or reported unsent', () => this.sent.every((s) => s.outcome !== 'pending'), {
      timeoutMs,
    });
    await this.allReady(timeoutMs);
    // Deliveries of the last acknowledged messages may still be on the wire.
    await waitFor('the last deliveries', () => this.missing().length === 0, { timeoutMs: 5000 }).catch(() => undefined);
  }

  resume(intervalMs: number): void {
    this.timer ??= setInterval(() => this.tick(), intervalMs / this.chatters.length);
  }

  /**
   * Acknowledged messages that a member connected now does not have. A member must have every
   * message relayed while it was in the room, and every one it was away for that the history
   * replayed when it came back: that is, unless the hub that relayed it was killed before the
   * member came back (history lives in the hub's memory), or the replay was full (the oldest fall
   * out of it). This covers what was typed offline and sent after a reconnect.
   */
  missing(): string[] {
    const missing: string[] = [];
    for (const sent of this.sent.filter((s) => s.outcome === 'acked')) {
      for (const chatter of this.chatters) {
        if (chatter.index === sent.sender || chatter.client.state !== 'ready' || chatter.received.has(sent.message.text)) continue;
        if (!chatter.readyAt(sent.settledAt)) {
          const back = chatter.replays.find((replay) => replay.at >= sent.settledAt);
          const hubLost = this.hubLostAt.some((at) => at >= sent.settledAt && (!back || at <= back.at));
          if (!back || hubLost || back.size >= HISTORY) continue;
        }
        missing.push(`${sent.message.text} → drill-${chatter.index}`);
      }
    }
    return missing;
  }

  counts(): { typed: number; acked: number; unsent: number; pending: number } {
    const count = (outcome: Sent['outcome']): number => this.sent.filter((s) => s.outcome === outcome).length;
    return { typed: this.sent.length, acked: count('acked'), unsent: count('unsent'), pending: count('pending') };
  }

  /** Why messages were reported unsent, each reason once with its count. */
  unsentReasons(): Record<string, number> {
    const reasons: Record<string, number> = {};
    for (const sent of this.sent.filter((s) => s.outcome === 'unsent'))
      reasons[sent.reason ?? '?'] = (reasons[sent.reason ?? '?'] ?? 0) + 1;
    return reasons;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const chatter of this.chatters) chatter.client.close();
  }
}

/**
 * An admin creating and joining rooms in a loop. Remembers every create that was acknowledged
 * and every call that failed, with when, so a drill can tell whether rooms were being created.
 */
export class AdminLoop {
  readonly created: { name: string; at: number }[] = [];
  readonly failures: { at: number; message: string }[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(rooms: RoomsClient) {
    this.done = (async () => {
      for (let i = 0; this.running && i < 100_000; i++) {
        try {
          const name = `admin-${i}`;
          await rooms.createRoom(name, 'admin');
          this.created.push({ name, at: Date.now() });
          await rooms.joinRoom(name, `guest-${i}`);
        } catch (error) {
          this.failures.push({ at: Date.now(), message: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  }

  names(): string[] {
    return this.created.map((room) => room.name);
  }

  createdSince(at: number): number {
    return this.created.filter((room) => room.at >= at).length;
  }

  failedSince(at: number): string[] {
    return this.failures.filter((failure) => failure.at >= at).map((failure) => failure.message);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
