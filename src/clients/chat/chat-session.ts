import type { CommonConfig } from '../../config/options.js';
import { type HubFrame, ME_ACTION } from '../../protocol/frames.js';
import { isValidName, NAME_RULE, nameKey } from '../../protocol/names.js';
import { ROOMS_FAULTS } from '../../protocol/rooms-api.js';
import { Prompter } from '../prompter.js';
import { formatRoomList } from '../rooms/admin.js';
import { saveAdmission, ticketFor } from '../rooms/credentials.js';
import { type Admission, RoomsClient, RoomsFault, RoomsUnreachableError } from '../rooms/rooms-client.js';
import { sanitizeForTerminal } from '../terminal-text.js';
import { CHAT_HELP, type ChatCommand, parseChatLine } from './chat-commands.js';
import { ChatScreen } from './chat-screen.js';
import { HubClient } from './hub-client.js';
import { socketHub } from './socket-transport.js';

export interface ChatOptions {
  user?: string | undefined;
  room?: string | undefined;
  create: boolean;
  passphrase?: string | undefined;
}

/**
 * `thiscord chat`: asks for what is missing like the seed's client, gets a ticket from the room
 * service, then talks to the hub until /quit, Ctrl-D or Ctrl-C.
 */
export class ChatSession {
  private readonly rooms: RoomsClient;
  private readonly screen = new ChatScreen();
  private readonly prompter = new Prompter(this.screen.rl);
  private hub!: HubClient;
  private user = '';
  private current: string | undefined;
  private wasDisconnected = false;
  private welcomed = false;
  private done!: () => void;

  constructor(
    private readonly config: CommonConfig,
    private readonly options: ChatOptions,
  ) {
    this.rooms = new RoomsClient({ host: config.host, port: config.roomsPort });
  }

  async run(): Promise<void> {
    const first = await this.admitInteractively();
    this.user = first.user;
    this.current = first.room;
    this.hub = new HubClient({ connect: socketHub(first.hub), renew: (room) => this.renew(room) });
    this.wire();
    const finished = new Promise<void>((resolve) => (this.done = resolve));
    this.screen.rl.on('line', (line) => void this.onLine(line));
    this.screen.rl.on('close', () => this.quit());
    process.once('SIGINT', () => this.quit());
    this.screen.info(`connecting to the hub at ${first.hub.host}:${first.hub.port} as ${first.user}; /help lists commands`);
    this.hub.start([first]);
    this.updatePrompt();
    await finished;
  }

  private async admitInteractively(): Promise<Admission> {
    let { user, room } = this.options;
    let create = this.options.create;
    if (!user || !room) {
      this.screen.print(formatRoomList(await this.rooms.listRooms()));
    }
    if (!user) user = await this.prompter.ask('Your user name: ', isValidName, `A name is ${NAME_RULE}.`);
    if (!room) {
      create = (
        await this.prompter.ask('Join or create a room? [j/c]: ', (a) => /^(j|join|c|create)$/i.test(a), 'Answer j (join) or c (create).')
      )
        .toLowerCase()
        .startsWith('c');
      room = await this.prompter.ask(create ? 'Name of the new room: ' : 'Room to join: ', isValidName, `A room name is ${NAME_RULE}.`);
    }
    return this.admit(room, user, create, this.options.passphrase);
  }

  /** Gets (and stores) an admission: create, or join with the stored ticket or a passphrase. */
  private async admit(room: string, user: string, create: boolean, passphrase: string | undefined): Promise<Admission> {
    const held = ticketFor(this.config.dataDir, user, room);
    let admission: Admission;
    try {
      if (create) admission = await this.rooms.createRoom(room, user, passphrase ? { passphrase } : {});
      else {
        try {
          admission = await this.rooms.joinRoom(room, user, { passphrase, ticket: held?.ticket });
        } catch (error) {
          if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.wrong_passphrase || passphrase) throw error;
          admission = await this.rooms.joinRoom(room, user, { passphrase: await this.prompter.line(`Passphrase for ${room}: `) });
        }
      }
    } catch (error) {
      // The hub checks tickets itself: with a stored, unexpired ticket, chat works while the room service is away.
      if (error instanceof RoomsUnreachableError && held && Date.parse(held.expires_at) > Date.now()) return held;
      throw error;
    }
    saveAdmission(this.config.dataDir, admission);
    return admission;
  }

  private async renew(room: string): Promise<Admission> {
    const held = ticketFor(this.config.dataDir, this.user, room);
    const admission = await this.rooms.joinRoom(room, this.user, { ticket: held?.ticket });
    saveAdmission(this.config.dataDir, admission);
    return admission;
  }

  private wire(): void {
    this.hub.on('frame', (frame) => this.show(frame));
    this.hub.on('acked', (message, seq) => this.screen.mark(message.id, '✓', `delivered #${seq} to ${message.room}`));
    this.hub.on('unsent', (message, reason) =>
      this.screen.print(`! not sent to ${message.room}: ${sanitizeForTerminal(message.text)} (${sanitizeForTerminal(reason)})`),
    );
    this.hub.on('room-lost', (room, _code, reason) => {
      this.screen.info(`left ${room}: ${reason}`);
      if (this.current && nameKey(this.current) === nameKey(room)) this.current = this.hub.rooms[0];
      this.updatePrompt();
    });
    this.hub.on('state', (state, detail) => {
      if (state === 'waiting' && !this.wasDisconnected) {
        this.wasDisconnected = true;
        this.screen.info(`lost the hub (${detail}); reconnecting, and anything you type will be sent when it is back`);
      } else if (state === 'ready' && this.wasDisconnected) {
        this.wasDisconnected = false;
        this.screen.info(`back, in ${this.hub.rooms.join(', ')}`);
      }
      this.updatePrompt();
    });
  }

  private show(frame: HubFrame): void {
    switch (frame.type) {
      case 'message':
        this.screen.message(frame.room, frame.from, frame.text, frame.ts);
        break;
      case 'history':
        if (frame.messages.length > 0) this.screen.info(`last ${frame.messages.length} message(s) in ${frame.room}:`);
        for (const entry of frame.messages) this.screen.message(frame.room, entry.from, entry.text, entry.ts);
        break;
      case 'presence':
        this.screen.info(
          `${frame.user} ${frame.event === 'join' ? 'joined' : frame.event === 'leave' ? 'left' : 'was kicked from'} ${frame.room}`,
        );
        break;
      case 'presence_summary':
        this.screen.info(`${frame.room}: ${frame.joined} joined, ${frame.left} left; ${frame.members} here now (/who to list them)`);
        break;
      case 'who':
        this.screen.info(`in ${frame.room}: ${frame.users.join(', ')}`);
        break;
      case 'welcome':
        if (!this.welcomed) this.screen.info(`connected as ${frame.user} (${frame.server})`);
        this.welcomed = true;
        break;
      case 'error':
        if (frame.code !== 'ticket_expired') this.screen.info(`hub: ${frame.message}`);
        break;
      case 'bye':
        this.screen.info(`hub closed the connection: ${frame.reason}`);
        break;
      default:
        break;
    }
  }

  private async onLine(line: string): Promise<void> {
    const command = parseChatLine(line);
    if (!command) return;
    try {
      await this.execute(command);
    } catch (error) {
      this.screen.info((error as Error).message);
    }
    this.updatePrompt();
  }

  private async execute(command: ChatCommand): Promise<void> {
    switch (command.kind) {
      case 'say':
      case 'me': {
        if (!this.current) return this.screen.info('you are in no room: /join <room> first');
        const text = command.kind === 'me' ? `${ME_ACTION}${command.action}` : command.text;
        const message = this.hub.say(this.current, text);
        this.screen.outgoing(message.id, this.current, command.kind === 'me' ? `* ${this.user} ${command.action}` : text);
        return;
      }
      case 'join': {
        const [room, passphrase] = command.room.split(/\s+/);
        if (!isValidName(room)) return this.screen.info(`a room name is ${NAME_RULE}`);
        let admission: Admission;
        try {
          admission = await this.admit(room, this.user, false, passphrase);
        } catch (error) {
          if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.no_such_room) throw error;
          admission = await this.admit(room, this.user, true, passphrase);
          this.screen.info(`created room ${admission.room}`);
        }
        this.hub.join(admission);
        this.current = admission.room;
        return;
      }
      case 'leave': {
        const room = command.room ?? this.current;
        if (!room || !this.hub.hasRoom(room)) return this.screen.info(`you are not in ${room ?? 'any room'}`);
        const held = ticketFor(this.config.dataDir, this.user, room);
        this.hub.leave(room);
        if (held) await this.rooms.leaveRoom(room, held.ticket).catch(() => undefined);
        if (this.current && nameKey(this.current) === nameKey(room)) this.current = this.hub.rooms[0];
        return;
      }
      case 'switch':
        if (!this.hub.hasRoom(command.room)) return this.screen.info(`you are not in ${command.room}; /join it first`);
        this.current = this.hub.rooms.find((room) => nameKey(room) === nameKey(command.room));
        return;
      case 'rooms': {
        this.screen.info(`your rooms: ${this.hub.rooms.join(', ') || 'none'}${this.current ? ` (lines go to ${this.current})` : ''}`);
        const listed = await this.rooms.listRooms().catch(() => undefined);
        if (listed) for (const line of formatRoomList(listed).split('\n')) this.screen.print(line);
        return;
      }
      case 'who':
        if (this.current) this.hub.who(this.current);
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

  private updatePrompt(): void {
    const status =
      this.hub.state === 'ready' ? '' : this.hub.state === 'waiting' || this.hub.state === 'connecting' ? 'reconnecting' : this.hub.state;
    this.screen.setPrompt(this.current, status);
  }

  private quit(): void {
    if (this.hub.state === 'closed') return;
    this.hub.close();
    this.screen.close();
    process.stdout.write('\n');
    this.done();
  }
}
