import { CHAT_HELP, parseChatLine } from '../../../src/clients/chat/chat-commands.js';
import { HubClient } from '../../../src/clients/chat/hub-client.js';
import { sanitizeForTerminal } from '../../../src/clients/terminal-text.js';
import { type HubFrame, ME_ACTION } from '../../../src/protocol/frames.js';
import { nameKey } from '../../../src/protocol/names.js';
import { ApiError, api, type BrowserAdmission } from './api.js';
import { remaining } from './countdown.js';
import { append, clear, h } from './dom.js';
import { RoomLog } from './room-log.js';
import { storage } from './storage.js';
import { webSocketHub } from './ws-transport.js';

interface RoomView {
  name: string;
  log: RoomLog;
  who: string[];
  topic: string;
  expiresAt?: number;
}

/**
 * The chat screen: the user's rooms, the current room's messages, who is here, one input line.
 * One hub connection (the shared HubClient over a WebSocket) carries every room, and reconnects
 * and resends by itself exactly as the terminal client does.
 */
export class ChatView {
  readonly element = h('section', { class: 'chat', 'aria-label': 'chat' });
  private readonly rooms = new Map<string, RoomView>();
  private readonly tabs = h('nav', { class: 'tabs', 'aria-label': 'your rooms' });
  private readonly header = h('div', { class: 'room-header' });
  private readonly logSlot = h('div', { class: 'log-slot' });
  private readonly whoList = h('ul', { class: 'who', 'aria-label': 'who is here' });
  private readonly owner = h('div', { class: 'owner' });
  private readonly connection = h('p', { class: 'connection', role: 'status' });
  private readonly input = h('input', {
    id: 'say',
    type: 'text',
    autocomplete: 'off',
    'aria-label': 'message',
    placeholder: 'Message (/me, /who, /leave, /help)',
  });
  private readonly hub: HubClient;
  private current: string | undefined;
  private wasDisconnected = false;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(
    readonly user: string,
    private readonly showLobby: () => void,
  ) {
    this.hub = new HubClient({ connect: webSocketHub(), renew: (room) => this.renew(room) });
    const form = h('form', { class: 'say' }, this.input, h('button', { type: 'submit' }, 'Send'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(this.input.value);
      this.input.value = '';
    });
    const lobby = h('button', { type: 'button', class: 'secondary' }, 'All rooms');
    lobby.addEventListener('click', () => this.showLobby());
    this.element.append(
      h('div', { class: 'bar' }, this.tabs, lobby),
      this.connection,
      this.header,
      h('div', { class: 'body' }, this.logSlot, h('aside', { 'aria-label': 'people' }, h('h2', {}, 'Here now'), this.whoList, this.owner)),
      form,
    );
    this.wire();
    this.ticker = setInterval(() => this.renderCountdown(), 1000);
  }

  /** Opens a room the room service admitted us to (its ticket is stored first). */
  enter(admission: BrowserAdmission): void {
    storage.saveAdmission(admission);
    const key = nameKey(admission.room);
    if (!this.rooms.has(key)) this.rooms.set(key, { name: admission.room, log: new RoomLog(), who: [], topic: '' });
    this.current = admission.room;
    this.hub.join(admission);
    history.replaceState(null, '', `/r/${admission.room}`);
    void this.loadInfo(admission.room, admission.ticket);
    this.render();
    this.input.focus();
  }

  close(): void {
    clearInterval(this.ticker);
    this.hub.close();
  }

  private wire(): void {
    this.hub.on('frame', (frame) => this.onFrame(frame));
    this.hub.on('unsent', (message, reason) => this.room(message.room)?.log.unsent(message.id, reason));
    this.hub.on('room-lost', (room, _code, reason) => {
      this.room(room)?.log.notice(`you left ${room}: ${reason}`);
      storage.forgetRoom(this.user, room);
      this.rooms.delete(nameKey(room));
      if (this.current && nameKey(this.current) === nameKey(room)) this.current = [...this.rooms.values()][0]?.name;
      this.notify(`You are no longer in ${room}: ${sanitizeForTerminal(reason)}`);
      this.render();
    });
    this.hub.on('state', (state) => {
      if (state === 'waiting' && !this.wasDisconnected) this.wasDisconnected = true;
      if (state === 'ready' && this.wasDisconnected) {
        this.wasDisconnected = false;
        for (const room of this.rooms.values()) room.log.notice('reconnected');
      }
      this.connection.textContent =
        state === 'ready' ? '' : state === 'closed' ? 'disconnected' : 'reconnecting… what you type is sent when the connection is back';
      this.connection.dataset.state = state;
    });
  }

  private onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case 'history': {
        const room = this.room(frame.room);
        room?.log.history(frame.messages);
        this.hub.who(frame.room);
        break;
      }
      case 'message':
        this.room(frame.room)?.log.message(frame.from, frame.text, frame.seq, frame.ts);
        break;
      case 'ack':
        if (typeof frame.id === 'string') this.room(frame.room)?.log.acked(frame.id, frame.seq, frame.ts);
        break;
      case 'presence': {
        const verb = frame.event === 'join' ? 'joined' : frame.event === 'leave' ? 'left' : 'was removed from';
        this.room(frame.room)?.log.notice(`${frame.user} ${verb} ${frame.room}`);
        if (this.hub.hasRoom(frame.room)) this.hub.who(frame.room);
        break;
      }
      case 'presence_summary':
        // A large room counts arrivals and departures instead of naming them; who names them.
        this.room(frame.room)?.log.notice(`${frame.joined} joined, ${frame.left} left ${frame.room}; ${frame.members} here now`);
        if (this.hub.hasRoom(frame.room)) this.hub.who(frame.room);
        break;
      case 'who': {
        const room = this.room(frame.room);
        if (room) room.who = frame.users;
        this.renderPeople();
        break;
      }
      case 'error':
        if (frame.ref === undefined && frame.code !== 'ticket_expired' && this.current)
          this.room(this.current)?.log.notice(`hub: ${frame.message}`);
        break;
      default:
        break;
    }
  }

  private submit(line: string): void {
    const command = parseChatLine(line);
    if (!command) return;
    const room = this.current ? this.room(this.current) : undefined;
    switch (command.kind) {
      case 'say':
      case 'me': {
        if (!room) return this.notify('You are in no room: open one from All rooms.');
        const text = command.kind === 'me' ? `${ME_ACTION}${command.action}` : command.text;
        const message = this.hub.say(room.name, text);
        room.log.own(message.id, this.user, text);
        return;
      }
      case 'who':
        if (room) this.hub.who(room.name);
        return;
      case 'leave':
        return void this.leave(command.room ?? room?.name);
      case 'switch':
      case 'join': {
        const known = this.room(command.room);
        if (known) {
          this.current = known.name;
          return this.render();
        }
        return this.notify(`Open ${command.room} from All rooms to join it.`);
      }
      case 'rooms':
      case 'quit':
        return this.showLobby();
      case 'help':
        return room?.log.notice(CHAT_HELP.replace(/\n\s*/g, ' · '));
      case 'invalid':
        return this.notify(command.message);
    }
  }

  private async leave(name: string | undefined): Promise<void> {
    const room = name ? this.room(name) : undefined;
    if (!room) return this.notify(`You are not in ${name ?? 'any room'}.`);
    const ticket = storage.admission(this.user, room.name)?.ticket;
    this.hub.leave(room.name);
    this.rooms.delete(nameKey(room.name));
    storage.forgetRoom(this.user, room.name);
    if (ticket) await api.leave(room.name, ticket).catch(() => undefined);
    this.current = [...this.rooms.values()][0]?.name;
    if (!this.current) return this.showLobby();
    this.render();
  }

  private async renew(room: string): Promise<BrowserAdmission> {
    const admission = await api.join(room, this.user, { ticket: storage.admission(this.user, room)?.ticket });
    storage.saveAdmission(admission);
    return admission;
  }

  private async loadInfo(name: string, ticket: string): Promise<void> {
    try {
      const info = await api.info(name, ticket);
      const room = this.room(name);
      if (!room) return;
      room.topic = info.topic;
      if (info.expires_at) room.expiresAt = Date.parse(info.expires_at);
      this.render();
    } catch (error) {
      if (error instanceof ApiError) this.room(name)?.log.notice(`room info: ${error.message}`);
    }
  }

  private room(name: string): RoomView | undefined {
    return this.rooms.get(nameKey(name));
  }

  private notify(text: string): void {
    const room = this.current ? this.room(this.current) : undefined;
    if (room) room.log.notice(text);
    else this.connection.textContent = text;
  }

  private render(): void {
    clear(this.tabs);
    for (const room of this.rooms.values()) {
      const tab = h('button', { type: 'button', 'aria-current': room.name === this.current ? 'page' : undefined }, room.name);
      tab.addEventListener('click', () => {
        this.current = room.name;
        this.render();
        this.input.focus();
      });
      this.tabs.append(tab);
    }
    const room = this.current ? this.room(this.current) : undefined;
    clear(this.header);
    clear(this.logSlot);
    if (!room) return this.renderPeople();
    const link = `${location.origin}/r/${room.name}`;
    const leave = h('button', { type: 'button', class: 'secondary' }, 'Leave');
    leave.addEventListener('click', () => void this.leave(room.name));
    append(
      this.header,
      h('h2', {}, room.name),
      room.topic ? h('p', { class: 'topic' }, sanitizeForTerminal(room.topic)) : null,
      h('p', { class: 'countdown', role: 'timer', hidden: room.expiresAt === undefined }),
      h('p', { class: 'share' }, 'Link: ', h('a', { href: link }, link)),
      leave,
    );
    this.logSlot.append(room.log.element);
    document.title = `${room.name} · ThisCord`;
    this.renderCountdown();
    this.renderPeople();
  }

  private renderCountdown(): void {
    const room = this.current ? this.room(this.current) : undefined;
    const element = this.header.querySelector('.countdown');
    if (!room?.expiresAt || !element) return;
    element.textContent = `Temporary room: closes in ${remaining(room.expiresAt - Date.now())}`;
  }

  private renderPeople(): void {
    clear(this.whoList);
    clear(this.owner);
    const room = this.current ? this.room(this.current) : undefined;
    if (!room) return;
    const ownerKey = storage.ownerKey(this.user, room.name);
    for (const person of room.who) {
      const item = h('li', {}, sanitizeForTerminal(person));
      if (ownerKey && nameKey(person) !== nameKey(this.user)) {
        const kick = h('button', { type: 'button', class: 'small', 'aria-label': `remove ${person} from ${room.name}` }, 'Remove');
        kick.addEventListener('click', () => void this.ownerAction(() => api.kick(room.name, ownerKey, person), `${person} was removed`));
        item.append(' ', kick);
      }
      this.whoList.append(item);
    }
    if (!ownerKey) return;
    const remove = h('button', { type: 'button', class: 'danger' }, 'Delete room');
    remove.addEventListener('click', () => {
      if (remove.dataset.armed) return void this.ownerAction(() => api.remove(room.name, ownerKey), `${room.name} was deleted`);
      remove.dataset.armed = 'yes';
      remove.textContent = `Really delete ${room.name}? Press again`;
    });
    this.owner.append(h('h2', {}, 'Owner'), remove);
  }

  private async ownerAction(action: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await action();
      this.notify(done);
    } catch (error) {
      this.notify(error instanceof ApiError ? error.message : String(error));
    }
  }
}
