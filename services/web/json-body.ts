import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads a JSON object body of at most `maxBytes`. Only `application/json` is accepted: a form on
 * another site cannot send that type without a CORS preflight, which this service never grants.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      request.resume();
      return resolve({ ok: false, status: 415, message: 'send the request body as JSON (Content-Type: application/json)' });
    }
    const tooLarge = { ok: false, status: 413, message: `a request body may be at most ${maxBytes} bytes` } as const;
    if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
      request.resume();
      return resolve(tooLarge);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) chunks.push(chunk);
    });
    request.on('error', () => resolve({ ok: false, status: 400, message: 'the request body was cut off' }));
    request.on('end', () => {
      if (received > maxBytes) return resolve(tooLarge);
      let value: unknown;
      try {
        value = received === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return resolve({ ok: false, status: 400, message: 'the request body is not valid JSON' });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return resolve({ ok: false, status: 400, message: 'the request body must be a JSON object' });
      resolve({ ok: true, value: value as Record<string, unknown> });
    });
  });
}
