import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { encodeFrame, parseHubFrame } from '../../protocol/frames.js';
import { LineSplitter } from '../../protocol/line-splitter.js';
import { type Probe, withTimeout } from './probe.js';

/** Before hello the hub sends nothing but the pong; anything this long is not our hub. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The hub is healthy when a fresh connection to its local socket gets a pong for its ping (allowed
 * before hello). The local socket has its own connection quota, so a hub that clients have filled
 * still answers its supervisor instead of being killed for it.
 */
export class HubProbe implements Probe {
  /** The supervisor probes the local socket; a benchmark may probe TCP as clients see it. */
  constructor(private readonly target: { path: string } | { host: string; port: number }) {}

  check(timeoutMs: number): Promise<void> {
    const id = `probe-${randomUUID().slice(0, 8)}`;
    const socket = net.connect(this.target);
    const answered = new Promise<void>((resolve, reject) => {
      const lines = new LineSplitter(MAX_ANSWER_BYTES);
      socket.on('connect', () => socket.write(encodeFrame({ type: 'ping', id })));
      socket.on('data', (chunk: Buffer) => {
        const whole = lines.push(chunk, (line) => {
          const frame = parseHubFrame(line.toString('utf8'));
          if (frame?.type === 'pong' && frame.id === id) resolve();
        });
        if (!whole) reject(new Error('the hub answered with a line over 64 KiB'));
      });
      socket.on('error', (error) => reject(error));
      socket.on('close', () => reject(new Error('the hub closed the connection without a pong')));
    });
    return withTimeout(answered, timeoutMs, 'the hub ping').finally(() => socket.destroy());
  }

  close(): void {}
}
