import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { encodeFrame, parseHubFrame } from '../../protocol/frames.js';
import { type Probe, withTimeout } from './probe.js';

/** The hub is healthy when a fresh TCP connection gets a pong for its ping (allowed before hello). */
export class HubProbe implements Probe {
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  check(timeoutMs: number): Promise<void> {
    const id = `probe-${randomUUID().slice(0, 8)}`;
    const socket = net.connect({ host: this.host, port: this.port });
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
