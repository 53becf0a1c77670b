import { afterAll } from 'vitest';
import WebSocket from 'ws';
import type { ClientFrame, HubFrame } from '../../src/protocol/frames.js';
import { waitFor } from './wait.js';

const open = new Set<WebSocket>();
afterAll(() => {
  for (const socket of open) socket.terminate();
});

/**
 * A bare WebSocket client of the web service's /hub, as a browser would open it (with the page's
 * Origin unless told otherwise): sends frames or raw messages and keeps every frame it receives.
 */
export class RawWebClient {
  readonly frames: HubFrame[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    open.add(socket);
    socket.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8')) as HubFrame));
    socket.on('error', () => undefined);
    socket.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString('utf8') };
      open.delete(socket);
    });
  }

  /** Opens `/hub` on the web service; rejects with the HTTP status when the handshake is refused. */
  static connect(port: number, origin: string | null = `http://127.0.0.1:${port}`, path = '/hub'): Promise<RawWebClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, origin === null ? {} : { origin });
      socket.once('open', () => resolve(new RawWebClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`refused with HTTP ${response.statusCode}`));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  static async hello(port: number, ticket: string): Promise<RawWebClient> {
    const client = await RawWebClient.connect(port);
    client.send({ type: 'hello', ticket });
    await client.waitFor('welcome', (frame) => frame.type === 'welcome');
    return client;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** One WebSocket message exactly as given (text, or binary for a Buffer). */
  write(raw: string | Buffer): void {
    this.socket.send(raw, { binary: Buffer.isBuffer(raw) });
  }

  of<T extends HubFrame['type']>(type: T): Extract<HubFrame, { type: T }>[] {
    return this.frames.filter((frame) => frame.type === type) as Extract<HubFrame, { type: T }>[];
  }

  waitFor(what: string, match: (frame: HubFrame) => boolean, timeoutMs = 5000): Promise<HubFrame> {
    return waitFor(
      `web frame: ${what} (last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 600)})`,
      () => this.frames.find(match),
      { timeoutMs },
    );
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return waitFor('the WebSocket to close', () => this.closed ?? undefined, { timeoutMs });
  }

  close(): void {
    this.socket.close();
  }
}
