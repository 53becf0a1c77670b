import { randomUUID } from 'node:crypto';
import { encodeFrame, parseHubFrame } from '../../protocol/frames.js';
import { linePing, type PingTarget } from './line-ping.js';
import type { Probe } from './probe.js';

/**
 * The hub is healthy when a fresh connection to its local socket gets a pong for its ping (allowed
 * before hello). The local socket has its own connection quota, so a hub that clients have filled
 * still answers its supervisor instead of being killed for it.
 */
export class HubProbe implements Probe {
  /** The supervisor probes the local socket; a benchmark may probe TCP as clients see it. */
  constructor(private readonly target: PingTarget) {}

  check(timeoutMs: number): Promise<void> {
    const id = `probe-${randomUUID().slice(0, 8)}`;
    const isPong = (line: string): boolean => {
      const frame = parseHubFrame(line);
      return frame?.type === 'pong' && frame.id === id;
    };
    return linePing(this.target, encodeFrame({ type: 'ping', id }), isPong, 'the hub ping', timeoutMs);
  }

  close(): void {}
}
