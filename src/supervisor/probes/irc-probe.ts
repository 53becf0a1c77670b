import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { LineSplitter } from '../../protocol/line-splitter.js';
import { type Probe, withTimeout } from './probe.js';

/** Far longer than any IRC line (512 bytes with tags, 8191 with the IRCv3 tags limit). */
const MAX_LINE_BYTES = 16 * 1024;

/**
 * The IRC gateway is healthy when a fresh connection gets a PONG for its PING (allowed before
 * registration), answered by the gateway's command table like any client's. The supervisor probes
 * the gateway's local socket, which has a connection cap of its own, so clients who fill the TCP
 * side never make a healthy gateway look dead.
 */
export class IrcProbe implements Probe {
  /** The supervisor probes the local socket; a test may probe TCP as clients see it. */
  constructor(private readonly target: { path: string } | { host: string; port: number }) {}

  check(timeoutMs: number): Promise<void> {
    const token = `probe-${randomUUID().slice(0, 8)}`;
    const socket = net.connect(this.target);
    const answered = new Promise<void>((resolve, reject) => {
      const lines = new LineSplitter(MAX_LINE_BYTES);
      socket.on('connect', () => socket.write(`PING :${token}\r\nQUIT\r\n`));
      socket.on('data', (chunk: Buffer) => {
        const whole = lines.push(chunk, (line) => {
          if (/^:\S+ PONG \S+ :?(\S+)$/.exec(line.toString('utf8'))?.[1] === token) resolve();
        });
        if (!whole) reject(new Error(`the IRC gateway answered with a line over ${MAX_LINE_BYTES} bytes`));
      });
      socket.on('error', (error) => reject(error));
      socket.on('close', () => reject(new Error('the IRC gateway closed the connection without a PONG')));
    });
    return withTimeout(answered, timeoutMs, 'the IRC gateway PING').finally(() => socket.destroy());
  }

  close(): void {}
}
