import { afterAll } from 'vitest';
import WebSocket from 'ws';
import type { ClientFrame, HubFrame } from '../../src/protocol/frames.js';
import { FrameClient } from './frame-client.js';
import { waitFor } from './wait.js';

const open = new Set<WebSocket>();
afterAll(() => {
  for (const socket of open) socket.terminate();
});

/**
 * A bare WebSocket client of the web service's /hub, as a browser would open it (with the page's
 * Origin unless told otherwise): sends frames or raw messages and keeps every frame it receives.
 */
export class RawWebClient extends FrameClient {
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    super('web');
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
    return (await RawWebClient.connect(port)).sayHello(ticket);
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** One WebSocket message exactly as given (text, or binary for a Buffer). */
  write(raw: string | Buffer): void {
    this.socket.send(raw, { binary: Buffer.isBuffer(raw) });
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return waitFor('the WebSocket to close', () => this.closed ?? undefined, { timeoutMs });
  }

  close(): void {
    this.socket.close();
  }
}
