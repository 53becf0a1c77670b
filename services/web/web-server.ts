import http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../src/logging/logger.js';
import { isValidName } from '../../src/protocol/names.js';
import { listenOn } from '../../src/runtime/listen.js';
import { type BridgeSettings, bridgeToHub, CLOSE } from './hub-bridge.js';
import type { AllowedOrigins } from './origins.js';
import type { roomApi } from './room-api.js';
import { applySecurityHeaders, plainText } from './security-headers.js';
import type { StaticFile } from './static-files.js';

/** Every limit the web service enforces itself, each a flag (see service.ts); the hub's apply behind it. */
export interface WebLimits {
  maxFrameBytes: number;
  maxClients: number;
  maxClientsPerAddress: number;
  requestTimeoutMs: number;
  graceMs: number;
}

const MAX_HEADER_BYTES = 8 * 1024;
const MAX_PATH_LENGTH = 1024;
/** `/r/<room>`: a shareable link to a room, answered with the page, which opens that room. */
const isRoomLink = (path: string): boolean => path.startsWith('/r/') && isValidName(path.slice(3));

/**
 * The web service's HTTP server: the page and its modules, the room API under /api/, and the
 * WebSocket bridge to the hub at /hub. Every response carries the security headers; every request
 * must name an allowed Host, and every WebSocket handshake and POST an allowed Origin.
 */
export class WebServer {
  private readonly server: http.Server;
  private readonly sockets: WebSocketServer;
  private readonly clients = new Set<WebSocket>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly files: Map<string, StaticFile>,
    private readonly origins: AllowedOrigins,
    private readonly api: ReturnType<typeof roomApi>,
    private readonly bridge: BridgeSettings,
    private readonly limits: WebLimits,
    private readonly logger: Logger,
  ) {
    // The hub applies its frame limit (frame_too_large, then bye) to browsers as to everyone; ws only
    // guards this process's memory, closing with 1009 a message of more than twice that limit before
    // it is buffered whole. Compression stays off: CPU per message, and secrets mixed with chosen text.
    this.sockets = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: 2 * limits.maxFrameBytes,
    });
    this.server = http.createServer({
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.requestTimeoutMs, 60_000),
      keepAliveTimeout: 5000,
      // Node checks the deadlines above only this often (30 s by default), so they would not hold.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.requestTimeoutMs / 4)),
    });
    this.server.on('request', (request, response) => void this.request(request, response));
    this.server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  listen(host: string, port: number): Promise<void> {
    return listenOn(this.server, { host, port, backlog: 4096 });
  }

  /** Tells every browser the service is going away (they reconnect) and closes within the grace period. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const client of this.clients) client.close(CLOSE.goingAway, 'the web service is stopping');
    const deadline = Date.now() + this.limits.graceMs;
    while (this.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const client of this.clients) client.terminate();
    this.server.closeAllConnections();
    await closed;
  }

  private async request(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    applySecurityHeaders(response);
    if (!this.origins.hostAllowed(request.headers.host))
      return plainText(response, 421, `this service answers only as ${this.origins.list.join(', ')}; pass --web-origin to add a name\n`);
    const path = (request.url ?? '/').split('?')[0]!;
    if (path.length > MAX_PATH_LENGTH) return plainText(response, 414, 'path too long\n');
    if (path.startsWith('/api/')) {
      if (request.method !== 'GET' && !this.origins.originAllowed(request.headers.origin))
        return plainText(response, 403, 'requests that change something must come from this service’s own page\n');
      if (await this.api(request, response, path)) return;
      return plainText(response, 404, 'no such API endpoint; see docs/web.md\n');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return plainText(response, 405, 'only GET and HEAD here\n');
    }
    if (path === '/healthz') return plainText(response, 200, `ok ${this.clients.size} clients\n`);
    const file = this.files.get(path === '/' || isRoomLink(path) ? '/index.html' : path);
    if (!file) return plainText(response, 404, 'not found\n');
    response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  private upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const address = request.socket.remoteAddress ?? 'unknown';
    if ((request.url ?? '').split('?')[0] !== '/hub') return refuse(socket, 404, 'the WebSocket endpoint is /hub');
    if (!this.origins.hostAllowed(request.headers.host) || !this.origins.originAllowed(request.headers.origin))
      return refuse(socket, 403, 'WebSocket connections are accepted only from this service’s own page');
    if (this.clients.size >= this.limits.maxClients)
      return refuse(socket, 503, `the web service is full (${this.limits.maxClients} connections)`);
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxClientsPerAddress)
      return refuse(socket, 429, `at most ${this.limits.maxClientsPerAddress} connections from one address`);
    this.sockets.handleUpgrade(request, socket, head, (client) => this.accept(client, address));
  }

  private accept(client: WebSocket, address: string): void {
    this.clients.add(client);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.logger.debug({ clients: this.clients.size }, 'browser connected');
    bridgeToHub(client, this.bridge, () => {
      this.clients.delete(client);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    });
  }
}

/** Answers a refused WebSocket handshake with a plain HTTP status, then closes. */
function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
