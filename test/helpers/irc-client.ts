import net from 'node:net';
import { type IrcMessage, parseMessage } from '../../services/irc/irc-message.js';
import { readLines } from './line-socket.js';
import { waitFor } from './wait.js';

/** A bare IRC connection for tests: writes raw lines and keeps every line (and its parse) it receives. */
export class RawIrcClient {
  readonly lines: string[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    readLines(
      socket,
      '\r\n',
      (line) => this.lines.push(line),
      () => {
        this.closed = true;
      },
    );
  }

  static connect(port: number): Promise<RawIrcClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawIrcClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and registers as `nick` (with `caps` negotiated first), resolving at the end of the MOTD. */
  static async register(port: number, nick: string, caps: string[] = []): Promise<RawIrcClient> {
    const client = await RawIrcClient.connect(port);
    if (caps.length > 0) client.send('CAP LS 302', `CAP REQ :${caps.join(' ')}`);
    client.send(`NICK ${nick}`, `USER ${nick} 0 * :${nick} test`);
    if (caps.length > 0) client.send('CAP END');
    await client.waitFor('end of MOTD', (m) => m.command === '376' || m.command === '422');
    return client;
  }

  get messages(): IrcMessage[] {
    return this.lines.map((line) => parseMessage(line)).filter((m): m is IrcMessage => m !== undefined);
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((line) => `${line}\r\n`).join(''));
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  /** Waits for a message after the first `from` ones. */
  waitFor(what: string, match: (message: IrcMessage) => boolean, timeoutMs = 8000, from = 0): Promise<IrcMessage> {
    return waitFor(`IRC: ${what} (last lines: ${JSON.stringify(this.lines.slice(-6))})`, () => this.messages.slice(from).find(match), {
      timeoutMs,
    });
  }

  /** Joins and waits for the end of the names list. */
  async join(channel: string, key?: string): Promise<void> {
    const from = this.lines.length;
    this.send(key ? `JOIN ${channel} ${key}` : `JOIN ${channel}`);
    await this.waitFor(`joined ${channel}`, (m) => m.command === '366' && m.params[1] === channel, 8000, from);
  }

  waitClosed(timeoutMs = 8000): Promise<true> {
    return waitFor('the gateway to close the connection', () => this.closed, { timeoutMs });
  }

  close(): void {
    this.socket.destroy();
  }
}
