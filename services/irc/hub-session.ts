import { HubClient, type HubClientOptions, type HubClientState } from '../../src/clients/chat/hub-client.js';
import type { ErrorCode, HistoryEntry, HubFrame } from '../../src/protocol/frames.js';
import { nameKey } from '../../src/protocol/names.js';
import { type Channel, channelName, isUnseen } from './channel.js';
import { type IrcClient, SERVER_NAME, userSource } from './irc-client.js';
import type { IrcMessage } from './irc-message.js';
import { MAX_LINE_BYTES } from './limits.js';
import { namesReply, whoReply } from './replies.js';
import { textToIrc } from './text-lines.js';

/** Why a `who` was asked for; the hub answers them in order, room by room. */
type WhoPurpose = 'join' | 'names' | 'who' | 'resync';

/** Who quit the gateway lately, and why, so that their departure shows as QUIT rather than PART. */
export interface QuitLog {
  reasonFor(user: string): string | undefined;
}

/** Questions waiting for the hub's answers in one room; past this a NAMES or WHO is answered from what the gateway knows. */
const MAX_WHO_WAITING = 16;

/** Room for everything but the text in a PRIVMSG line: tags, source, command, target. */
const TEXT_BYTES = MAX_LINE_BYTES - 2 - 160;

/**
 * One IRC user's hub connection: the project's HubClient (ticket, reconnect with backoff, rejoin,
 * unsent reporting) plus the translation of what the hub says into what an IRC client expects.
 */
export class HubSession {
  private readonly hub: HubClient;
  private readonly whoAsked = new Map<string, WhoPurpose[]>();
  /** Our own says awaiting their ack: id → the command they came as, for echo-message. */
  private readonly saying = new Map<string, { command: 'PRIVMSG' | 'NOTICE'; room: string; text: string }>();
  /** Whose QUIT this client has been shown (they left all its channels at once). */
  private readonly quitShown = new Set<string>();
  private lostHub = false;

  constructor(
    private readonly client: IrcClient,
    options: HubClientOptions,
    private readonly quits: QuitLog,
  ) {
    this.hub = new HubClient(options);
    this.hub.on('frame', (frame) => this.onFrame(frame));
    this.hub.on('unsent', (message, reason) => {
      this.saying.delete(message.id);
      const channel = this.client.channels.get(nameKey(message.room));
      this.client.numeric('ERR_CANNOTSENDTOCHAN', channel ? channelName(channel) : `#${message.room}`, `Not delivered: ${reason}`);
    });
    this.hub.on('room-lost', (room, code, reason) => this.roomLost(room, code, reason));
    this.hub.on('state', (state) => this.onState(state));
  }

  get connected(): boolean {
    return this.hub.state === 'ready';
  }

  join(channel: Channel): void {
    this.hub.join(channel.admission);
  }

  leave(room: string): void {
    this.hub.leave(room);
  }

  /** Sends `text` (hub form); `asSent` is the IRC form, echoed back once the hub acknowledges it. */
  say(command: 'PRIVMSG' | 'NOTICE', room: string, text: string, asSent: string): void {
    const message = this.hub.say(room, text);
    this.saying.set(message.id, { command, room, text: asSent });
  }

  /** Asks the hub who is in the room; the answer becomes a names list, a WHO list or a resync. */
  askWho(room: string, purpose: WhoPurpose): void {
    const key = nameKey(room);
    const queue = this.whoAsked.get(key) ?? [];
    // A hub that is away would never answer (and a later answer would go to the wrong question),
    // and a client asking faster than the hub answers must not grow the queue without end.
    if (!this.connected || queue.length >= MAX_WHO_WAITING) return this.answerLocally(room, purpose);
    queue.push(purpose);
    this.whoAsked.set(key, queue);
    this.hub.who(room);
  }

  close(): void {
    this.hub.removeAllListeners();
    this.hub.close();
  }

  private onState(state: HubClientState): void {
    // Questions sent on a connection that is gone are never answered: what the gateway knows answers them.
    if (state !== 'ready') {
      const asked = [...this.whoAsked];
      this.whoAsked.clear();
      for (const [room, purposes] of asked) for (const purpose of purposes) this.answerLocally(room, purpose);
    }
    if (state === 'waiting' && !this.lostHub) {
      this.lostHub = true;
      this.client.notice('Lost the connection to the chat hub; reconnecting. What you say meanwhile is sent when it is back.');
    } else if (state === 'ready' && this.lostHub) {
      this.lostHub = false;
      this.client.notice('Reconnected to the chat hub.');
    }
  }

  private onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case 'message':
        return this.message(frame.room, frame.from, frame.text, frame.ts, frame.seq, 'PRIVMSG');
      case 'ack':
        return this.acked(frame.id, frame.ts);
      case 'history':
        return this.joined(frame.room, frame.messages);
      case 'who':
        return this.who(frame.room, frame.users);
      case 'presence':
        return this.presence(frame.room, frame.user, frame.event);
      case 'presence_summary':
        // A large room counts arrivals and departures instead of naming them: the names come from
        // a `who`, turned into the JOINs and PARTs an IRC client keeps its member list by.
        if (this.client.channels.get(nameKey(frame.room))?.phase === 'joined') this.askWho(frame.room, 'resync');
        return;
      case 'error':
        // Refused says and tickets come back as `unsent` and `room-lost`; the rest is worth a notice.
        if (frame.ref === undefined && frame.code !== 'ticket_expired' && frame.code !== 'bad_ticket' && frame.code !== 'room_closed')
          this.client.notice(`hub: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  private message(room: string, from: string, text: string, ts: string, seq: number, command: 'PRIVMSG' | 'NOTICE'): void {
    const channel = this.client.channels.get(nameKey(room));
    if (channel?.phase !== 'joined') return;
    channel.lastSeen = { ts, seq };
    const tags = this.client.has('server-time') ? { time: ts } : undefined;
    for (const line of textToIrc(text, TEXT_BYTES)) {
      const message: IrcMessage = { source: userSource(from), command, params: [channelName(channel), line] };
      if (tags) message.tags = tags;
      this.client.send(message, true);
    }
  }

  private acked(id: string | number | null, ts: string): void {
    const said = typeof id === 'string' ? this.saying.get(id) : undefined;
    if (!said) return;
    this.saying.delete(id as string);
    if (!this.client.has('echo-message')) return;
    const channel = this.client.channels.get(nameKey(said.room));
    if (!channel) return;
    const message: IrcMessage = { source: userSource(this.client.nick), command: said.command, params: [channelName(channel), said.text] };
    if (this.client.has('server-time')) message.tags = { time: ts };
    this.client.send(message, true);
  }

  /** The hub's history frame confirms a join: the first time, the JOIN goes out; after a reconnect, a resync. */
  private joined(room: string, history: HistoryEntry[]): void {
    const channel = this.client.channels.get(nameKey(room));
    if (!channel) return;
    channel.pendingHistory = history.filter((entry) => isUnseen(channel, entry));
    if (channel.phase === 'joined') return this.askWho(room, 'resync');
    channel.phase = 'joined';
    this.client.send({ source: userSource(this.client.nick), command: 'JOIN', params: [channelName(channel)] });
    if (channel.topic) this.client.numeric('RPL_TOPIC', channelName(channel), channel.topic);
    this.askWho(room, 'join');
  }

  /**
   * A NAMES or WHO the hub cannot answer, answered from the members this gateway last knew. A join
   * or a resync waits for the hub instead: the next (re)connection brings one of its own.
   */
  private answerLocally(room: string, purpose: WhoPurpose): void {
    const channel = this.client.channels.get(nameKey(room));
    if (!channel) return;
    if (purpose === 'names') namesReply(this.client, channel);
    else if (purpose === 'who') whoReply(this.client, channel, [...channel.members.values()]);
  }

  private who(room: string, users: string[]): void {
    const channel = this.client.channels.get(nameKey(room));
    const purpose = this.whoAsked.get(nameKey(room))?.shift();
    if (this.whoAsked.get(nameKey(room))?.length === 0) this.whoAsked.delete(nameKey(room));
    if (!channel || !purpose) return;
    const now = new Map(users.map((user) => [nameKey(user), user]));
    if (purpose === 'who') return whoReply(this.client, channel, users);
    if (purpose === 'resync') {
      for (const [key, user] of channel.members) if (!now.has(key)) this.departed(channel, user, 'PART');
      for (const [key, user] of now) if (!channel.members.has(key)) this.arrived(channel, user);
    } else {
      channel.members = now;
      namesReply(this.client, channel);
    }
    if (purpose === 'join' || purpose === 'resync') this.replayHistory(channel);
  }

  /**
   * History goes out as the messages it was, with their original time as server-time when the
   * client asked for it; without server-time each line starts with its time in brackets.
   */
  private replayHistory(channel: Channel): void {
    const entries = channel.pendingHistory;
    channel.pendingHistory = [];
    const timed = this.client.has('server-time');
    for (const entry of entries) {
      const text = timed ? entry.text : `[${entry.ts.slice(0, 19).replace('T', ' ')}Z] ${entry.text}`;
      this.message(channel.room, entry.from, text, entry.ts, entry.seq, 'PRIVMSG');
    }
  }

  private presence(room: string, user: string, event: 'join' | 'leave' | 'kicked'): void {
    const channel = this.client.channels.get(nameKey(room));
    if (channel?.phase !== 'joined') return;
    if (event === 'join') return this.arrived(channel, user);
    if (event === 'leave') return this.departed(channel, user, 'PART');
    this.client.send(
      { source: userSource(channel.owner), command: 'KICK', params: [channelName(channel), user, `kicked by ${channel.owner}`] },
      true,
    );
    channel.members.delete(nameKey(user));
    if (nameKey(user) === nameKey(this.client.nick)) this.client.channels.delete(nameKey(room));
  }

  private arrived(channel: Channel, user: string): void {
    if (channel.members.has(nameKey(user))) return;
    this.quitShown.delete(nameKey(user));
    channel.members.set(nameKey(user), user);
    this.client.send({ source: userSource(user), command: 'JOIN', params: [channelName(channel)] });
  }

  /** A departure; someone who quit the gateway shows one QUIT, which leaves every shared channel. */
  private departed(channel: Channel, user: string, command: 'PART'): void {
    const key = nameKey(user);
    if (!channel.members.delete(key) || key === nameKey(this.client.nick)) return;
    const reason = this.quits.reasonFor(user);
    if (reason === undefined) {
      this.client.send({ source: userSource(user), command, params: [channelName(channel), 'left'] }, true);
      return;
    }
    if (this.quitShown.has(key)) return;
    this.quitShown.add(key);
    for (const other of this.client.channels.values()) other.members.delete(key);
    this.client.send({ source: userSource(user), command: 'QUIT', params: [reason] }, true);
  }

  /** The hub refused a ticket for good, or the room was deleted or expired. */
  private roomLost(room: string, code: ErrorCode, reason: string): void {
    const channel = this.client.channels.get(nameKey(room));
    if (!channel) return;
    this.client.channels.delete(nameKey(room));
    if (channel.phase === 'joining') {
      return this.client.numeric(code === 'room_closed' ? 'ERR_NOSUCHCHANNEL' : 'ERR_BANNEDFROMCHAN', channelName(channel), reason);
    }
    this.client.send({ source: SERVER_NAME, command: 'KICK', params: [channelName(channel), this.client.nick, reason] }, true);
  }
}
