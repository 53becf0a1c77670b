import net from 'node:net';
import { LineSplitter } from '../../protocol/line-splitter.js';
import { withTimeout } from './probe.js';

/** Where a line-protocol service listens: its local socket, or TCP as clients see it. */
export type PingTarget = { path: string } | { host: string; port: number };

/** Far longer than any answer a ping gets (a hub frame, an IRC line); anything longer is not our service. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The probe of a line protocol (the hub's frames, IRC): a fresh connection sends `request` and
 * must get a line that `answers` accepts within `timeoutMs`; the connection is closed either way.
 */
export function linePing(
  target: PingTarget,
  request: string,
  answers: (line: string) => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const socket = net.connect(target);
  const answered = new Promise<void>((resolve, reject) => {
    const lines = new LineSplitter(MAX_ANSWER_BYTES);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      const whole = lines.push(chunk, (line) => {
        if (answers(line.toString('utf8'))) resolve();
      });
      if (!whole) reject(new Error(`${what}: answered with a line over ${MAX_ANSWER_BYTES} bytes`));
    });
    socket.on('error', (error) => reject(error));
    socket.on('close', () => reject(new Error(`${what}: the connection closed without an answer`)));
  });
  return withTimeout(answered, timeoutMs, what).finally(() => socket.destroy());
}
