import { CliError } from '../../cli/cli-error.js';
import type { CommonConfig } from '../../config/options.js';
import { type HubFrame, ME_ACTION } from '../../protocol/frames.js';
import { isValidName, NAME_RULE, nameKey } from '../../protocol/names.js';
import { ROOMS_FAULTS } from '../../protocol/rooms-api.js';
import { Prompter } from '../prompter.js';
import { formatRoomList, ROOM_LIST_LEGEND } from '../rooms/admin.js';
import { ticketFor } from '../rooms/credentials.js';
import { createRoom, joinRoom, ttlSeconds } from '../rooms/room-access.js';
import { type Admission, type CreateOptions, RoomsClient, RoomsFault, RoomsUnreachableError } from '../rooms/rooms-client.js';
import { sanitizeForTerminal } from '../terminal-text.js';
import { CHAT_HELP, type ChatCommand, type CreateRequest, completeChatLine, parseChatLine } from './chat-commands.js';
import { ChatScreen } from './chat-screen.js';
import { HubClient } from './hub-client.js';
import { OnlineUsers } from './online-users.js';
import { socketHub } from './socket-transport.js';

export interface ChatOptions {
  user?: string | undefined;
  room?: string | undefined;
  create: boolean;
  /** From --passphrase-file, THISCORD_PASSPHRASE or --passphrase; asked for, hidden, when a room needs one. */
  passphrase?: string | undefined;
  /** With create: make the room private (asks for a passphrase unless one was given). */
  private?: boolean;
}

/** Errors from the hub that the client turns into a lost room or an unsent line, announced there. */
const ANNOUNCED_ELSEWHERE = new Set(['room_closed', 'bad_ticket', 'ticket_expired']);

/**
 * `thiscord chat`: asks for what is missing like the seed's client, gets a ticket from the room
 * service, then talks to the hub until /quit, Ctrl-D or Ctrl-C.
 */
export class ChatSession {
  private readonly rooms: RoomsClient;
  private readonly online = new OnlineUsers();
  private readonly screen = new ChatScreen((line) =>
    completeChatLine(line, {
      myRooms: () => this.hub?.rooms ?? [],
      knownRooms: () => [...new Set([...this.listedRooms, ...(this.hub?.rooms ?? [])])],
      names: () => this.online.everyone(),
    }),
  );
  private readonly prompter = new Prompter(this.screen.input);
  private hub: HubClient | undefined;
  private user = '';
  private current: string | undefined;
  private listedRooms: string[] = [];
  /** Rooms whose `who` answer the user asked for (the others refresh the online list silently). */
  private readonly whoAsked = new Set<string>();
  private reachedHub = false;
  private wasDisconnected = false;
  private welcomed = false;
  private quitting = false;
  private finish!: (failure?: CliError) => void;

  constructor(
    private readonly config: CommonConfig,
    private readonly options: ChatOptions,
  ) {
    this.rooms = new RoomsClient({ host: config.host, port: config.roomsPort });
  }

  async run(): Promise<void> {
    let first: Admission;
    try {
      first = await this.admitInteractively();
    } catch (error) {
      this.screen.close();
      throw error;
    }
    this.user = first.user;
    this.current = first.room;
    this.screen.highlightName(first.user);
    const hub = new HubClient({ connect: socketHub(first.hub), renew: (room) => this.renew(room) });
    this.hub = hub;
    this.wire(hub);
    const finished = new Promise<CliError | undefined>((resolve) => (this.finish = resolve));
    this.screen.onLine((line) => void this.onLine(line));
    this.screen.input.rl.on('close', () => this.quit());
    process.once('SIGINT', () => this.quit());
    this.screen.info(`connecting to the hub at ${first.hub.host}:${first.hub.port} as ${first.user}; /help lists commands`);
    hub.start([first]);
    this.updatePrompt();
    const failure = await finished;
    if (failure) throw failure;
  }

  private async admitInteractively(): Promise<Admission> {
    let { user, room } = this.options;
    let create = this.options.create;
    if (!user || !room) this.screen.print(formatRoomList(await this.rooms.listRooms()));
    if (!user) user = await this.prompter.ask('Your user name: ', isValidName, `A name is ${NAME_RULE}.`);
    if (!room) {
      create = (
        await this.prompter.ask('Join or create a room? [j/c]: ', (a) => /^(j|join|c|create)$/i.test(a), 'Answer j (join) or c (create).')
      )
        .toLowerCase()
        .startsWith('c');
      room = await this.prompter.ask(create ? 'Name of the new room: ' : 'Room to join: ', isValidName, `A room name is ${NAME_RULE}.`);
    }
    if (create) return this.create(room, user, { private: this.options.private ?? false, unlisted: false }, this.options.passphrase);
    return this.join(room, user, this.options.passphrase);
  }

  /** Creates a room (its owner key stored with the ticket); --private without a passphrase asks for one, hidden. */
  private async create(room: string, user: string, request: CreateRequest, passphrase?: string): Promise<Admission> {
    const secret = passphrase ?? (request.private ? await this.askPassphrase(`Passphrase for the new room ${room}: `) : undefined);
    const options: CreateOptions = {
      passphrase: secret,
      ttl_seconds: ttlSeconds(request.ttl),
      topic: request.topic,
      unlisted: request.unlisted,
    };
    return createRoom(this.rooms, this.config.dataDir, room, user, options);
  }

  /** Joins with the stored ticket or a passphrase, asking for the passphrase (hidden) when the room wants one. */
  private async join(room: string, user: string, passphrase: string | undefined): Promise<Admission> {
    const held = ticketFor(this.config.dataDir, user, room);
    try {
      try {
        return await joinRoom(this.rooms, this.config.dataDir, room, user, passphrase);
      } catch (error) {
        if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.wrong_passphrase || passphrase !== undefined) throw error;
        return await joinRoom(this.rooms, this.config.dataDir, room, user, await this.askPassphrase(`Passphrase for ${room}: `));
      }
    } catch (error) {
      // The hub checks tickets itself: with a stored, unexpired ticket, chat works while the room service is away.
      if (error instanceof RoomsUnreachableError && held && Date.parse(held.expires_at) > Date.now()) return held;
      throw error;
    }
  }

  private async askPassphrase(question: string): Promise<string> {
    const answer = await this.prompter.secret(question);
    if (answer === '') throw new CliError('no passphrase given');
    return answer;
  }

  private async renew(room: string): Promise<Admission> {
    return joinRoom(this.rooms, this.config.dataDir, room, this.user);
  }

  private wire(hub: HubClient): void {
    hub.on('frame', (frame) => this.show(frame));
    hub.on('acked', (message) => this.screen.mark(message.id, '✓', `delivered to ${message.room}`));
    hub.on('unsent', (message, reason) =>
      this.screen.mark(
        message.id,
        `✗ not sent (${sanitizeForTerminal(reason)})`,
        `not sent to ${message.room}: ${sanitizeForTerminal(message.text)} (${sanitizeForTerminal(reason)})`,
      ),
    );
    hub.on('room-lost', (room, _code, reason) => {
      this.online.forget(room);
      this.screen.info(`left ${room}: ${reason}`);
      if (this.current && nameKey(this.current) === nameKey(room)) this.current = hub.rooms[0];
      this.updatePrompt();
    });
    hub.on('state', (state, detail) => {
      if (state === 'greeting') this.reachedHub = true;
      if (state === 'waiting' && !this.reachedHub) {
        return this.quit(
          new CliError(`cannot reach the hub at ${this.hubAddress()}; is the stack running? (npm run up), or pass --host / --hub-port`),
        );
      }
      if (state === 'waiting' && !this.wasDisconnected) {
        this.wasDisconnected = true;
        this.screen.info(`lost the hub (${detail}); reconnecting, and anything you type will be sent when it is back`);
      } else if (state === 'ready' && this.wasDisconnected) {
        this.wasDisconnected = false;
        this.screen.info(`back, in ${hub.rooms.join(', ')}`);
      }
      this.updatePrompt();
    });
  }

  private hubAddress(): string {
    return `${this.config.host}:${this.config.hubPort}`;
  }

  private show(frame: HubFrame): void {
    switch (frame.type) {
      case 'message':
        this.screen.message(frame.room, frame.from, frame.text, frame.ts);
        break;
      case 'history':
        // A join is confirmed: learn who is online there.
        this.hub?.who(frame.room);
        if (frame.messages.length > 0) this.screen.info(`last ${frame.messages.length} message(s) in ${frame.room}:`);
        for (const entry of frame.messages) this.screen.message(frame.room, entry.from, entry.text, entry.ts);
        break;
      case 'presence':
        if (frame.event === 'join') this.online.arrived(frame.room, frame.user);
        // The same user may still be online from another terminal: ask rather than guess.
        else this.hub?.who(frame.room);
        this.screen.info(
          `${frame.user} ${frame.event === 'join' ? 'joined' : frame.event === 'leave' ? 'left' : 'was kicked from'} ${frame.room}`,
        );
        break;
      case 'presence_summary':
        this.screen.info(`${frame.room}: ${frame.joined} joined, ${frame.left} left; ${frame.members} here now (/who to list them)`);
        break;
      case 'who':
        this.online.set(frame.room, frame.users);
        if (this.whoAsked.delete(nameKey(frame.room))) void this.describeRoom(frame.room, frame.users);
        break;
      case 'welcome':
        if (!this.welcomed) this.screen.info(`connected as ${frame.user} (${frame.server})`);
        this.welcomed = true;
        break;
      case 'error':
        if (!ANNOUNCED_ELSEWHERE.has(frame.code) && (frame.ref === undefined || frame.ref === null))
          this.screen.info(`hub: ${frame.message}`);
        break;
      case 'bye':
        this.screen.info(`hub closed the connection: ${frame.reason}`);
        break;
      default:
        break;
    }
  }

  /** `/who`: who is online now (the hub), and who are members (the room service). */
  private async describeRoom(room: string, online: readonly string[]): Promise<void> {
    this.screen.info(`online in ${room} now: ${online.map(sanitizeForTerminal).join(', ') || 'nobody'}`);
    const held = ticketFor(this.config.dataDir, this.user, room);
    const info = await this.rooms.roomInfo(room, held?.ticket).catch(() => undefined);
    if (info?.member_names)
      this.screen.info(`members of ${room} (online or not): ${info.member_names.map(sanitizeForTerminal).join(', ')}`);
  }

  private async onLine(line: string): Promise<void> {
    const command = parseChatLine(line);
    if (!command) return this.updatePrompt();
    try {
      await this.execute(command);
    } catch (error) {
      this.screen.info((error as Error).message);
    }
    this.updatePrompt();
  }

  private async execute(command: ChatCommand): Promise<void> {
    const hub = this.hub!;
    switch (command.kind) {
      case 'say':
      case 'me': {
        if (!this.current) return this.screen.info('you are in no room: /join <room> first');
        const text = command.kind === 'me' ? `${ME_ACTION}${command.action}` : command.text;
        const message = hub.say(this.current, text);
        this.screen.outgoing(message.id, this.current, command.kind === 'me' ? `* ${this.user} ${command.action}` : text);
        return;
      }
      case 'join': {
        if (!isValidName(command.room)) return this.screen.info(`a room name is ${NAME_RULE}`);
        try {
          this.enter(await this.join(command.room, this.user, undefined));
        } catch (error) {
          if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.no_such_room) throw error;
          this.screen.info(`there is no room ${command.room}; /create ${command.room} makes one`);
        }
        return;
      }
      case 'create': {
        if (!isValidName(command.room)) return this.screen.info(`a room name is ${NAME_RULE}`);
        const created = await this.create(command.room, this.user, command.options);
        this.screen.info(`created room ${created.room}; you own it (thiscord rooms delete/kick work for you)`);
        this.enter(created);
        return;
      }
      case 'leave': {
        const room = command.room ?? this.current;
        if (!room || !hub.hasRoom(room)) return this.screen.info(`you are not in ${room ?? 'any room'}`);
        const held = ticketFor(this.config.dataDir, this.user, room);
        hub.leave(room);
        this.online.forget(room);
        if (held) await this.rooms.leaveRoom(room, held.ticket).catch(() => undefined);
        if (this.current && nameKey(this.current) === nameKey(room)) this.current = hub.rooms[0];
        return;
      }
      case 'switch':
        if (!hub.hasRoom(command.room)) return this.screen.info(`you are not in ${command.room}; /join it first`);
        this.current = hub.rooms.find((room) => nameKey(room) === nameKey(command.room));
        return;
      case 'rooms':
        return this.listRooms(hub);
      case 'who':
        if (!this.current) return this.screen.info('you are in no room');
        this.whoAsked.add(nameKey(this.current));
        hub.who(this.current);
        return;
      case 'help':
        for (const line of CHAT_HELP.split('\n')) this.screen.print(line);
        return;
      case 'quit':
        return this.quit();
      case 'invalid':
        return this.screen.info(command.message);
    }
  }

  private enter(admission: Admission): void {
    this.hub!.join(admission);
    this.current = admission.room;
  }

  private async listRooms(hub: HubClient): Promise<void> {
    const mine = hub.rooms.map((room) => {
      const online = this.online.in(room);
      return `${room}${online ? ` (online: ${online.map(sanitizeForTerminal).join(', ') || 'nobody'})` : ''}`;
    });
    this.screen.info(`you are in ${mine.join(', ') || 'no room'}${this.current ? `; lines go to ${this.current}` : ''}`);
    const listed = await this.rooms.listRooms().catch(() => undefined);
    if (!listed) return this.screen.info('the room service does not answer: no list of other rooms');
    this.listedRooms = listed.map((room) => room.name);
    for (const line of formatRoomList(listed, (room) => this.online.in(room)?.length).split('\n')) this.screen.print(line);
    this.screen.info(ROOM_LIST_LEGEND);
  }

  private updatePrompt(): void {
    const state = this.hub?.state;
    const status =
      state === 'ready'
        ? ''
        : state === 'waiting' || state === 'connecting'
          ? this.reachedHub
            ? 'reconnecting'
            : 'connecting'
          : (state ?? '');
    this.screen.setPrompt(this.current, status);
    this.screen.setTitle(this.user, this.current);
  }

  private quit(failure?: CliError): void {
    if (this.quitting || !this.hub) return;
    this.quitting = true;
    this.screen.close();
    this.hub.close();
    this.finish(failure);
  }
}
