import http from 'node:http';
import type { Logger } from '../../logging/logger.js';
import { decodeCall, encodeFault, encodeResult, type MethodCall } from './codec.js';
import type { XmlRpcFault } from './fault.js';

export interface XmlRpcServerSettings {
  maxBodyBytes: number;
  requestTimeoutMs: number;
}

/** What an XML-RPC endpoint does with a decoded call. */
export interface XmlRpcHandler {
  /** Runs the call; an XmlRpcFault it throws is the answer. */
  call(call: MethodCall, clientAddress: string): unknown;
  /** Turns anything else thrown into the fault to answer with (logging it, when it is a bug). */
  toFault(error: unknown, method: string): XmlRpcFault;
}

const RPC_PATHS = new Set(['/', '/RPC2']);

/**
 * XML-RPC over node:http, with the limits the xmlrpc package's own server lacks: a body limit
 * (413), a deadline for receiving the whole request (408 from Node), and a fault — never a 404 or
 * a dropped connection — for anything wrong inside a well-formed HTTP request. The room service
 * listens with it on TCP, the supervisor's control endpoint on a Unix socket.
 */
export function createXmlRpcServer(handler: XmlRpcHandler, settings: XmlRpcServerSettings, logger: Logger): http.Server {
  const server = http.createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: Math.min(settings.requestTimeoutMs, 60_000),
      keepAliveTimeout: 5000,
      // Node checks the deadlines above only this often (30 s by default), so they would not hold.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, settings.requestTimeoutMs / 4)),
    },
    (request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      if (!RPC_PATHS.has(path)) return plain(response, 400, `unknown path ${path.slice(0, 100)}; POST XML-RPC calls to / or /RPC2\n`);
      if (request.method !== 'POST') {
        response.setHeader('Allow', 'POST');
        return plain(response, 405, 'this is an XML-RPC endpoint: POST a <methodCall>\n');
      }
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > settings.maxBodyBytes) return tooLarge(request, response, settings.maxBodyBytes);
      const chunks: Buffer[] = [];
      let received = 0;
      request.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > settings.maxBodyBytes) {
          if (!response.headersSent) tooLarge(request, response, settings.maxBodyBytes);
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => {
        if (received > settings.maxBodyBytes) return;
        // A Unix socket has no remote address: the peer is a local process.
        void answer(Buffer.concat(chunks), request.socket.remoteAddress ?? 'local', response);
      });
    },
  );

  async function answer(body: Buffer, clientAddress: string, response: http.ServerResponse): Promise<void> {
    const started = performance.now();
    let method = '(unparsed)';
    let xml: string;
    try {
      const call = decodeCall(body);
      method = call.method;
      xml = encodeOnce(await handler.call(call, clientAddress));
    } catch (error) {
      const fault = handler.toFault(error, method);
      xml = encodeFault(fault.code, fault.message);
      logger.debug({ method: method.slice(0, 100), fault: fault.code }, 'fault');
    }
    logger.debug({ method: method.slice(0, 100), ms: Math.round((performance.now() - started) * 100) / 100 }, 'call');
    // A caller that gave up (a long poll cut short) needs no answer.
    if (response.destroyed) return;
    response.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml) });
    response.end(xml);
  }

  return server;
}

/**
 * Results are encoded once per object: an answer a method hands out again unchanged (the cached
 * room list) is not serialised again. Methods never mutate a result after returning it.
 */
const encoded = new WeakMap<object, string>();

function encodeOnce(result: unknown): string {
  if (typeof result !== 'object' || result === null) return encodeResult(result);
  let xml = encoded.get(result);
  if (xml === undefined) encoded.set(result, (xml = encodeResult(result)));
  return xml;
}

function plain(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function tooLarge(request: http.IncomingMessage, response: http.ServerResponse, limit: number): void {
  response.setHeader('Connection', 'close');
  plain(response, 413, `request body over ${limit} bytes\n`);
  // Stop reading the rest of an oversized body; the connection closes once the answer is out.
  response.on('finish', () => request.destroy());
}
