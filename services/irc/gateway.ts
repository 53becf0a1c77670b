import net from 'node:net';
import type { HubClientOptions } from '../../src/clients/chat/hub-client.js';
import { socketHub } from '../../src/clients/chat/socket-transport.js';
import { RoomsClient } from '../../src/clients/rooms/rooms-client.js';
import type { Logger } from '../../src/logging/logger.js';
import { nameKey } from '../../src/protocol/names.js';
import { listenOn } from '../../src/runtime/listen.js';
import type { GatewayContext } from './commands/command.js';
import { COMMANDS } from './commands/index.js';
import { HubSession, type QuitLog } from './hub-session.js';
import { IrcClient, type IrcClientHandler } from './irc-client.js';
import type { IrcMessage } from './irc-message.js';
import type { IrcLimits } from './limits.js';
import { sendWelcome } from './welcome.js';

export interface GatewaySettings {
  limits: IrcLimits;
  /** The server password PASS must give, when set. */
  password: string | undefined;
  motd: string[] | undefined;
  /** The hub's local socket, or its TCP address when it has none (another machine). */
  hub: { host: string; port: number; socketPath?: string };
  rooms: { host: string; port: number };
}

/** How long a quit is remembered, so that its hub departures show as one QUIT. */
const QUIT_MEMORY_MS = 10_000;
const MAX_QUITS_REMEMBERED = 1024;

/**
 * The IRC gateway: accepts IRC connections (within the caps per address and in total), runs each
 * line through the command table, and gives every registered user who joins a channel one hub
 * connection of their own. It never logs what anyone says: names, counts and reasons only.
 */
export class Gateway implements IrcClientHandler, GatewayContext, QuitLog {
  readonly rooms: RoomsClient;
  readonly limits: IrcLimits;
  readonly motd: string[] | undefined;
  private readonly server: net.Server;
  private readonly localServer: net.Server;
  private readonly clients = new Set<IrcClient>();
  /** Connections on the local socket, counted apart so that a full TCP side never locks out the supervisor's probe. */
  private readonly localClients = new Set<IrcClient>();
  private readonly perAddress = new Map<string, number>();
  private readonly nicks = new Map<string, IrcClient>();
  private readonly quits = new Map<string, { reason: string; at: number }>();
  private readonly sweep: NodeJS.Timeout;
  private readonly startedAt = new Date();

  constructor(
    private readonly settings: GatewaySettings,
    private readonly logger: Logger,
  ) {
    this.limits = settings.limits;
    this.motd = settings.motd;
    this.rooms = new RoomsClient({ ...settings.rooms, timeoutMs: 10_000 });
    this.server = net.createServer((socket) => this.accept(socket));
    this.localServer = net.createServer((socket) => this.acceptLocal(socket));
    const { registrationTimeoutMs, idleTimeoutMs, pingTimeoutMs } = this.limits;
    const every = Math.max(25, Math.min(1000, registrationTimeoutMs / 4, idleTimeoutMs / 4, pingTimeoutMs / 4));
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const client of this.clients) client.checkDeadline(now);
      for (const [key, quit] of this.quits) if (now - quit.at > QUIT_MEMORY_MS) this.quits.delete(key);
    }, every);
    this.sweep.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  listen(host: string, port: number): Promise<void> {
    return listenOn(this.server, { host, port, backlog: 1024 });
  }

  /** The local socket (mode 0700 directory): the supervisor's probe, outside the client caps. */
  listenLocal(socketPath: string): Promise<void> {
    return listenOn(this.localServer, { path: socketPath, backlog: 64 });
  }

  async stop(): Promise<void> {
    clearInterval(this.sweep);
    this.server.close();
    this.localServer.close();
    for (const client of this.clients) client.close('Server shutting down');
    const deadline = Date.now() + 1000;
    while (this.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const client of this.clients) client.destroy();
  }

  async onMessage(client: IrcClient, message: IrcMessage): Promise<void> {
    const spec = COMMANDS[message.command];
    if (!spec) {
      if (!client.registration.isRegistered) return client.numeric('ERR_NOTREGISTERED', 'You have not registered');
      return client.numeric('ERR_UNKNOWNCOMMAND', message.command, 'Unknown command');
    }
    if (!spec.beforeRegistration && !client.registration.isRegistered)
      return client.numeric('ERR_NOTREGISTERED', 'You have not registered');
    if (message.params.length < spec.minParams) return client.numeric('ERR_NEEDMOREPARAMS', message.command, 'Not enough parameters');
    await spec.run(this, client, message.params);
  }

  onClosed(client: IrcClient): void {
    this.clients.delete(client);
    if (this.localClients.delete(client)) return this.closed(client);
    const left = (this.perAddress.get(client.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(client.address, left);
    else this.perAddress.delete(client.address);
    this.closed(client);
  }

  private closed(client: IrcClient): void {
    const nick = client.registration.nick;
    if (nick && this.nicks.get(nameKey(nick)) === client) this.nicks.delete(nameKey(nick));
    if (!nick || !client.hub) return;
    // Recorded before the hub hears of it, so that the others' sessions show a QUIT.
    if (this.quits.size >= MAX_QUITS_REMEMBERED) this.quits.delete(this.quits.keys().next().value!);
    this.quits.set(nameKey(nick), { reason: client.quitReason ?? 'Connection closed', at: Date.now() });
    client.hub.close();
    for (const channel of client.channels.values()) this.releaseRoom(channel.room, channel.admission.ticket);
    this.logger.info({ user: nick, rooms: client.channels.size }, 'irc user left');
  }

  reasonFor(user: string): string | undefined {
    return this.quits.get(nameKey(user))?.reason;
  }

  claimNick(client: IrcClient, nick: string): boolean {
    const holder = this.nicks.get(nameKey(nick));
    if (holder && holder !== client) return false;
    const previous = client.registration.nick;
    if (previous !== undefined && this.nicks.get(nameKey(previous)) === client) this.nicks.delete(nameKey(previous));
    this.nicks.set(nameKey(nick), client);
    return true;
  }

  completeRegistration(client: IrcClient): void {
    if (!client.registration.complete) return;
    if (this.settings.password !== undefined && client.registration.passwordGiven !== this.settings.password) {
      client.numeric('ERR_PASSWDMISMATCH', 'Password incorrect');
      return client.close('Bad password');
    }
    client.registration.register();
    client.welcomed();
    sendWelcome(client, this.limits, this.startedAt, this.motd);
    this.quits.delete(nameKey(client.nick));
    this.logger.info({ user: client.nick, clients: this.clients.size }, 'irc user registered');
  }

  hubSession(client: IrcClient): HubSession {
    if (!client.hub) {
      const { host, port, socketPath } = this.settings.hub;
      const options: HubClientOptions = {
        connect: socketHub(socketPath ? { path: socketPath } : { host, port }),
        renew: (room) => {
          const channel = client.channels.get(nameKey(room));
          return this.rooms.joinRoom(room, client.nick, { ticket: channel?.admission.ticket });
        },
      };
      client.hub = new HubSession(client, options, this);
    }
    return client.hub;
  }

  releaseRoom(room: string, ticket: string): void {
    this.rooms.leaveRoom(room, ticket).catch(() => undefined);
  }

  private acceptLocal(socket: net.Socket): void {
    if (this.localClients.size >= this.limits.maxClients) return void socket.destroy();
    const client = new IrcClient(socket, this.limits, this);
    this.localClients.add(client);
    this.clients.add(client);
  }

  private accept(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '?';
    const refuse = (reason: string): void => {
      socket.on('error', () => socket.destroy());
      socket.end(`ERROR :Closing Link: ${address} (${reason})\r\n`);
      setTimeout(() => socket.destroy(), 1000).unref();
      this.logger.warn({ address, reason }, 'irc connection refused');
    };
    if (this.clients.size - this.localClients.size >= this.limits.maxClients)
      return refuse(`Server full: at most ${this.limits.maxClients} clients`);
    const fromHere = this.perAddress.get(address) ?? 0;
    if (fromHere >= this.limits.clientsPerAddress) {
      return refuse(`Too many connections from your address: at most ${this.limits.clientsPerAddress}`);
    }
    this.perAddress.set(address, fromHere + 1);
    this.clients.add(new IrcClient(socket, this.limits, this));
  }
}
