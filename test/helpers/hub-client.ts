import net from 'node:net';
import { type ClientFrame, encodeFrame, type HubFrame, parseHubFrame } from '../../src/protocol/frames.js';
import { closeAtEnd } from './open-sockets.js';
import { waitFor } from './wait.js';

/** A bare protocol client for tests: sends frames (or raw bytes) and keeps every frame it receives. */
export class RawHubClient {
  readonly frames: HubFrame[] = [];
  closed = false;
  private buffer = '';

  private constructor(readonly socket: net.Socket) {
    closeAtEnd(socket);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        // Every frame the hub sends must be one the protocol defines, field for field.
        const frame = parseHubFrame(line);
        if (!frame) throw new Error(`the hub sent a frame docs/protocol.md does not define: ${line.slice(0, 300)}`);
        this.frames.push(frame);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Connects over TCP (from `localAddress`, another loopback address, when given) or to a Unix socket path. */
  static connect(target: number | string, localAddress?: string): Promise<RawHubClient> {
    return new Promise((resolve, reject) => {
      const options: net.NetConnectOpts =
        typeof target === 'string' ? { path: target } : { port: target, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) };
      const socket = net.connect(options, () => resolve(new RawHubClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and says hello with `ticket`, resolving once welcomed. */
  static async hello(port: number, ticket: string): Promise<RawHubClient> {
    const client = await RawHubClient.connect(port);
    client.send({ type: 'hello', ticket });
    await client.waitFor('welcome', (frame) => frame.type === 'welcome');
    return client;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.write(encodeFrame(frame as ClientFrame));
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  of<T extends HubFrame['type']>(type: T): Extract<HubFrame, { type: T }>[] {
    return this.frames.filter((frame) => frame.type === type) as Extract<HubFrame, { type: T }>[];
  }

  waitFor(what: string, match: (frame: HubFrame) => boolean, timeoutMs = 5000): Promise<HubFrame> {
    return waitFor(
      `hub frame: ${what} (last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 600)})`,
      () => this.frames.find(match),
      { timeoutMs },
    );
  }

  waitClosed(timeoutMs = 5000): Promise<true> {
    return waitFor('the hub to close the connection', () => this.closed, { timeoutMs });
  }

  close(): void {
    this.socket.destroy();
  }
}
