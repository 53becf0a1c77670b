import net from 'node:net';
import { type ClientFrame, encodeFrame, parseHubFrame } from '../../src/protocol/frames.js';
import { FrameClient } from './frame-client.js';
import { readLines } from './line-socket.js';
import { waitFor } from './wait.js';

/** A bare protocol client for tests: sends frames (or raw bytes) and keeps every frame it receives. */
export class RawHubClient extends FrameClient {
  closed = false;

  private constructor(readonly socket: net.Socket) {
    super('hub');
    readLines(
      socket,
      '\n',
      (line) => {
        if (!line) return;
        // Every frame the hub sends must be one the protocol defines, field for field.
        const frame = parseHubFrame(line);
        if (!frame) throw new Error(`the hub sent a frame docs/protocol.md does not define: ${line.slice(0, 300)}`);
        this.frames.push(frame);
      },
      () => {
        this.closed = true;
      },
    );
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
    return (await RawHubClient.connect(port)).sayHello(ticket);
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.write(encodeFrame(frame as ClientFrame));
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  waitClosed(timeoutMs = 5000): Promise<true> {
    return waitFor('the hub to close the connection', () => this.closed, { timeoutMs });
  }

  close(): void {
    this.socket.destroy();
  }
}
