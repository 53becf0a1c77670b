import http from 'node:http';
import { decodeResponse, encodeCall } from './codec.js';

/** Where an XML-RPC endpoint listens: a Unix socket, or a host and port. */
export type XmlRpcAddress = { socketPath: string } | { host: string; port: number };

/** The call got no answer: the timeout passed or the connection failed (`code` as node:net sets it). */
export class XmlRpcTransportError extends Error {
  override name = 'XmlRpcTransportError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * One XML-RPC call over HTTP/1.1 with our codec: resolves with the answer, rejects with the
 * XmlRpcFault the server answered, or with an XmlRpcTransportError. The request is aborted (its
 * socket closed) when the deadline passes, never left open behind a rejected promise.
 */
export function callXmlRpc(address: XmlRpcAddress, method: string, params: readonly unknown[], timeoutMs: number): Promise<unknown> {
  const body = encodeCall(method, params);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        ...address,
        path: '/RPC2',
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          if (response.statusCode !== 200) {
            return reject(
              new XmlRpcTransportError(`HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString().trim().slice(0, 200)}`, 'EPROTO'),
            );
          }
          try {
            resolve(decodeResponse(Buffer.concat(chunks)));
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', (error: NodeJS.ErrnoException) => reject(new XmlRpcTransportError(error.message, error.code)));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      reject(new XmlRpcTransportError(`no answer to ${method} within ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new XmlRpcTransportError(error.message, error.code));
    });
    request.end(body);
  });
}
