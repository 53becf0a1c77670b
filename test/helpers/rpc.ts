import http from 'node:http';
import { RoomsFault } from '../../src/clients/rooms/rooms-client.js';

/** A raw HTTP POST, for the cases a well-behaved XML-RPC client cannot send. */
export function post(
  port: number,
  body: string | Buffer,
  options: { path?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/RPC2',
        method: options.method ?? 'POST',
        headers: { 'Content-Type': 'text/xml', ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export function methodCall(method: string, paramsXml = ''): string {
  return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${paramsXml}</params></methodCall>`;
}

/** The faultCode in a fault response, or undefined for a success. */
export function faultCodeOf(xml: string): number | undefined {
  if (!xml.includes('<fault>')) return undefined;
  const match = /<name>faultCode<\/name>\s*<value>\s*<(?:int|i4)>(-?\d+)<\/(?:int|i4)>/.exec(xml);
  return match ? Number(match[1]) : Number.NaN;
}

/** The code of the fault the room service answers `call` with; a success or any other failure fails the test. */
export async function faultOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    if (error instanceof RoomsFault) return error.code;
    throw error;
  }
  throw new Error('expected a fault');
}
