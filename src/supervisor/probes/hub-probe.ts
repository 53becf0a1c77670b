import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { encodeFrame, parseHubFrame } from '../../protocol/frames.js';
import { type Probe, withTimeout } from './probe.js';

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
      let buffered = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(encodeFrame({ type: 'ping', id })));
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        for (const line of buffered.split('\n').slice(0, -1)) {
          const frame = parseHubFrame(line);
          if (frame?.type === 'pong' && frame.id === id) return resolve();
        }
      });
      socket.on('error', (error) => reject(error));
      socket.on('close', () => reject(new Error('the hub closed the connection without a pong')));
    });
    return withTimeout(answered, timeoutMs, 'the hub ping').finally(() => socket.destroy());
  }

  close(): void {}
}
