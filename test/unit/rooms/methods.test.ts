import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RpcFault } from '../../../services/rooms/faults.js';
import { asFault } from '../../../services/rooms/methods.js';
import { createLogger } from '../../../src/logging/logger.js';

function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const logger = createLogger({ service: 'rooms', level: 'info', format: 'json', destination: stream });
  return {
    logger,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('room service faults', () => {
  it('passes an application fault through unchanged', () => {
    const { logger, lines } = capturedLogger();
    const fault = new RpcFault('no_such_room', 'there is no room named x; list the rooms, or create it');
    expect(asFault(fault, logger, 'room_info')).toBe(fault);
    expect(lines()).toEqual([]);
  });

  it('answers a bug with -32603 and a reference that the log carries with the details', () => {
    const { logger, lines } = capturedLogger();
    const fault = asFault(new Error('disk on fire at /secret/path'), logger, 'join_room');
    expect(fault.code).toBe(-32603);
    const ref = /reference ([0-9a-f]{8})/.exec(fault.message)?.[1];
    expect(ref).toBeDefined();
    expect(fault.message).not.toContain('disk on fire');
    const [logged] = lines();
    expect(logged).toMatchObject({ level: 50, ref, method: 'join_room' });
    expect(JSON.stringify(logged)).toContain('disk on fire');
  });
});
