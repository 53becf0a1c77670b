import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { TokenBucket } from '../../src/limits/token-bucket.js';
import { ClientDeadline } from '../../src/protocol/client-deadline.js';
import { ClientStream } from '../../src/protocol/client-stream.js';
import { LineSplitter } from '../../src/protocol/line-splitter.js';
import type { Channel } from './channel.js';
import type { HubSession } from './hub-session.js';
import { type IrcMessage, parseMessage, serializeMessage, untaggedBytes } from './irc-message.js';
import { type IrcLimits, MAX_LINE_BYTES, MAX_TAGGED_LINE_BYTES } from './limits.js';
import { NUMERICS, type NumericName } from './numerics.js';
import { Registration } from './registration.js';

/** The name the gateway uses as the source of its own messages. */
export const SERVER_NAME = 'thiscord.irc';

/** The capabilities the gateway offers (CAP LS); docs/irc.md says what each does here. */
export const CAPABILITIES = ['server-time', 'echo-message'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Everyone, IRC or not, shows as `name!name@thiscord`: ThisCord names are all there is to an identity. */
export const userSource = (name: string): string => `${name}!${name}@thiscord`;

export interface IrcClientHandler {
  /** Runs one command; the client runs them one after another, so a JOIN completes before the next line. */
  onMessage(client: IrcClient, message: IrcMessage): Promise<void> | void;
  onClosed(client: IrcClient): void;
}

/**
 * One IRC connection: its bytes (lines of at most 512 bytes, UTF-8), its flood control (a token
 * bucket; lines over it wait in a bounded queue, like ergo's fake lag), its deadlines (registration,
 * idle, ping) and its output bound. What the lines mean is the handler's.
 */
export class IrcClient {
  readonly registration = new Registration();
  readonly caps = new Set<Capability>();
  /** nameKey(room) → the channel, from JOIN to PART, KICK or QUIT. */
  readonly channels = new Map<string, Channel>();
  hub: HubSession | undefined;
  /** Set when QUIT gave a reason, for the others' QUIT line. */
  quitReason: string | undefined;
  private closed = false;
  private ending = false;
  private readonly stream: ClientStream;
  private readonly splitter = new LineSplitter(MAX_TAGGED_LINE_BYTES);
  private readonly bucket: TokenBucket;
  private readonly waiting: Buffer[] = [];
  private drainTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Commands admitted but not finished (one may wait on the room service): bounded like the flood queue. */
  private unfinished = 0;
  /** Registration, then idle, then the answer to our PING; see `checkDeadline`. */
  private readonly deadline: ClientDeadline;

  constructor(
    private readonly socket: Socket,
    private readonly limits: IrcLimits,
    private readonly handler: IrcClientHandler,
  ) {
    this.bucket = new TokenBucket(limits.lineRate, limits.lineBurst);
    this.stream = new ClientStream(socket, limits.maxOutputBytes, this.receive.bind(this), this.destroy.bind(this));
    this.deadline = new ClientDeadline(limits, limits.registrationTimeoutMs);
  }

  /** The nick, or `*` before one is accepted (as numerics address unregistered clients). */
  get nick(): string {
    return this.registration.nick ?? '*';
  }

  get address(): string {
    return this.socket.remoteAddress ?? '?';
  }

  get isOpen(): boolean {
    return !this.closed && !this.ending;
  }

  has(cap: Capability): boolean {
    return this.caps.has(cap);
  }

  /** From registration on, silence is measured against the idle deadline instead. */
  welcomed(): void {
    this.deadline.admit();
  }

  /** Queues a message; a client too slow to read its messages is dropped. */
  send(message: IrcMessage, trailing = false): void {
    if (!this.isOpen) return;
    if (!this.stream.queue(`${serializeMessage(message, trailing)}\r\n`)) this.close('SendQ exceeded');
  }

  /** A numeric from the server to this client; the last parameter is the human-readable text. */
  numeric(name: NumericName, ...params: string[]): void {
    this.send({ source: SERVER_NAME, command: NUMERICS[name], params: [this.nick, ...params] }, true);
  }

  /** A server NOTICE to this client. */
  notice(text: string): void {
    this.send({ source: SERVER_NAME, command: 'NOTICE', params: [this.nick, text] }, true);
  }

  /** Says ERROR with the reason (as servers do before closing) and ends the connection. */
  close(reason: string): void {
    if (!this.isOpen) return;
    this.ending = true;
    this.stream.end(`ERROR :Closing Link: ${this.address} (${reason})\r\n`, reason === 'SendQ exceeded');
    setTimeout(() => this.destroy(), 1000).unref();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.ending = true;
    clearTimeout(this.drainTimer);
    this.waiting.length = 0;
    this.registration.close();
    this.stream.destroy();
    this.handler.onClosed(this);
  }

  /** Called by the gateway's sweep (one timer for every client). */
  checkDeadline(now: number): void {
    if (!this.isOpen) return;
    const due = this.deadline.due(now);
    if (due === 'introduction') {
      this.close('Registration timed out');
    } else if (due === 'ping') {
      this.send({ source: SERVER_NAME, command: 'PING', params: [SERVER_NAME] });
    } else if (due === 'silence') {
      this.close(`Ping timeout: ${Math.round((this.limits.idleTimeoutMs + this.limits.pingTimeoutMs) / 1000)} seconds`);
    }
  }

  private receive(chunk: Buffer): void {
    if (!this.isOpen) return;
    this.deadline.heard();
    const fits = this.splitter.push(chunk, (line) => this.admit(line));
    if (!fits) this.close('Input line too long');
  }

  /** Flood control at the edge: a line runs now if the bucket allows, or waits its turn. */
  private admit(line: Buffer): void {
    if (!this.isOpen || line.length === 0) return;
    if (this.waiting.length === 0 && this.bucket.take()) return this.run(line);
    this.waiting.push(Buffer.from(line));
    if (this.waiting.length > this.limits.maxQueuedLines) return this.close('Excess Flood');
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainTimer) return;
    this.drainTimer = setTimeout(
      () => {
        this.drainTimer = undefined;
        while (this.waiting.length > 0 && this.isOpen && this.bucket.take()) this.run(this.waiting.shift()!);
        if (this.waiting.length > 0 && this.isOpen) this.scheduleDrain();
      },
      Math.ceil(1000 / this.limits.lineRate),
    );
  }

  private run(bytes: Buffer): void {
    if (!isUtf8(bytes)) {
      this.send({ source: SERVER_NAME, command: 'FAIL', params: ['*', 'INVALID_UTF8', 'lines must be UTF-8; that one was ignored'] }, true);
      return;
    }
    const line = bytes.toString('utf8');
    const message = parseMessage(line);
    if (!message) return;
    if (untaggedBytes(line) > MAX_LINE_BYTES)
      return this.numeric('ERR_INPUTTOOLONG', `Input line was too long (at most ${MAX_LINE_BYTES} bytes)`);
    if (++this.unfinished > this.limits.maxQueuedLines) return this.close('Excess Flood');
    this.running = this.running.then(async () => {
      try {
        if (this.isOpen) await this.handler.onMessage(this, message);
      } catch (error) {
        this.notice(`${message.command} failed: ${(error as Error).message}`);
      } finally {
        this.unfinished--;
      }
    });
  }
}
