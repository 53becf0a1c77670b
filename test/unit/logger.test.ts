import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger', () => {
  it('writes one JSON line per record with the service name', () => {
    const out = sink();
    createLogger({ service: 'hub', level: 'info', format: 'json', destination: out.stream }).info({ user: 'alice' }, 'user logged in');
    const record = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ service: 'hub', level: 30, user: 'alice', msg: 'user logged in' });
  });

  it('renders records for a person in pretty mode, in the format of the aggregated log', () => {
    const out = sink();
    createLogger({ service: 'rooms', level: 'info', format: 'pretty', destination: out.stream }).info({ members: 2 }, 'room created');
    expect(out.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} rooms {6}\| INFO {2}room created members=2\n$/);
  });

  it('shows control characters a client got into a record as escapes, never raw, in msg, fields and keys', () => {
    const out = sink();
    const hostile = 'x\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil\u0000';
    createLogger({ service: 'rooms', level: 'debug', format: 'pretty', destination: out.stream }).debug(
      { method: hostile, bare: 'a\u001bb', [hostile]: 1, nested: { name: hostile } },
      `method not found: ${hostile}`,
    );
    const line = out.text();
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(line).toContain('method not found: x\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u202eevil\\u0000');
    expect(line).toContain('bare=a\\u001bb');
  });

  it('censors fields that could carry chat text or secrets, should one ever be passed in, and keeps the rest', () => {
    const out = sink();
    const logger = createLogger({ service: 'hub', level: 'trace', format: 'json', destination: out.stream });
    logger.info(
      {
        user: 'alice',
        text: 'secret words',
        frame: { type: 'say', text: 'secret words', ticket: 'tkt', nested: { text: 'secret words' } },
        passphrase: 'pw',
        owner_key: 'key',
      },
      'careless',
    );
    const record = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({
      service: 'hub',
      msg: 'careless',
      user: 'alice',
      text: '[redacted]',
      frame: { type: 'say', text: '[redacted]', ticket: '[redacted]', nested: { text: '[redacted]' } },
      passphrase: '[redacted]',
      owner_key: '[redacted]',
    });
    expect(out.text()).not.toContain('secret words');
  });
});
