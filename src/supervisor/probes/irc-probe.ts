import { randomUUID } from 'node:crypto';
import { linePing, type PingTarget } from './line-ping.js';
import type { Probe } from './probe.js';

/**
 * The IRC gateway is healthy when a fresh connection gets a PONG for its PING (allowed before
 * registration), answered by the gateway's command table like any client's. The supervisor probes
 * the gateway's local socket, which has a connection cap of its own, so clients who fill the TCP
 * side never make a healthy gateway look dead.
 */
export class IrcProbe implements Probe {
  /** The supervisor probes the local socket; a test may probe TCP as clients see it. */
  constructor(private readonly target: PingTarget) {}

  check(timeoutMs: number): Promise<void> {
    const token = `probe-${randomUUID().slice(0, 8)}`;
    const isPong = (line: string): boolean => /^:\S+ PONG \S+ :?(\S+)$/.exec(line)?.[1] === token;
    return linePing(this.target, `PING :${token}\r\nQUIT\r\n`, isPong, 'the IRC gateway PING', timeoutMs);
  }

  close(): void {}
}
