import { Router, type Socket } from 'zeromq';
import type { Logger } from '../../src/logging/logger.js';

/** ZeroMQ asks the handler bound here about every new connection to a socket that has a ZAP domain. */
const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';
const WARN_INTERVAL_MS = 1000;

export type PeerKind = 'publishers' | 'subscribers';

export interface PeerCap {
  /** What the peers are: publishers on PULL, subscribers on PUB. */
  what: PeerKind;
  socket: Socket;
  max: number;
}

/**
 * Caps how many peers each broker socket holds. ZeroMQ accepts any TCP connection and queues up to
 * its high-water mark for each, so without a cap the broker's memory grows with the number of
 * peers; with one, the byte budget holds (see broker-budget.ts). Live connections are counted from
 * the socket monitor (every accepted connection is later disconnected exactly once), and the ZAP
 * handshake, which ZeroMQ runs for every connection once a ZAP domain is set, refuses a peer while
 * its socket is full. A refused peer reconnects by itself and gets in once there is room.
 */
export class PeerLimit {
  private readonly handler = new Router();
  private readonly live = new Map<string, number>();
  private readonly caps = new Map<string, PeerCap>();
  private refusedTotal = 0;
  private refusedSinceWarning = 0;
  private lastWarning = 0;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /** Binds the ZAP handler; call before any capped socket binds, so no connection slips past. */
  async start(caps: PeerCap[]): Promise<void> {
    await this.handler.bind(ZAP_ENDPOINT);
    for (const cap of caps) {
      const domain = `thiscord-${cap.what}`;
      cap.socket.zapDomain = domain;
      this.caps.set(domain, cap);
      this.live.set(domain, 0);
      void this.count(domain, cap.socket);
    }
    void this.answer();
  }

  get refused(): number {
    return this.refusedTotal;
  }

  /** Peers connected now, by what they are. */
  get connected(): Record<PeerKind, number> {
    const connected = { publishers: 0, subscribers: 0 };
    for (const [domain, cap] of this.caps) connected[cap.what] = this.live.get(domain) ?? 0;
    return connected;
  }

  close(): void {
    this.closed = true;
    this.handler.close();
  }

  private async count(domain: string, socket: Socket): Promise<void> {
    try {
      for await (const event of socket.events) {
        if (event.type === 'accept') this.live.set(domain, (this.live.get(domain) ?? 0) + 1);
        else if (event.type === 'disconnect') this.live.set(domain, Math.max(0, (this.live.get(domain) ?? 0) - 1));
      }
    } catch (error) {
      if (!this.closed) this.logger.error({ err: error }, 'stopped counting broker connections');
    }
  }

  private async answer(): Promise<void> {
    try {
      for await (const [routing, empty, version, sequence, domainFrame, address] of this.handler) {
        if (!routing || !empty || !version || !sequence || !domainFrame) continue;
        const domain = domainFrame.toString();
        const cap = this.caps.get(domain);
        // The connection being asked about was already accepted, so it is among the live ones.
        const admit = cap !== undefined && (this.live.get(domain) ?? 0) <= cap.max;
        if (!admit) this.recordRefusal(cap, address?.toString() ?? '?');
        await this.handler.send([routing, empty, version, sequence, admit ? '200' : '400', admit ? 'OK' : 'too many peers', '', '']);
      }
    } catch (error) {
      if (!this.closed) this.logger.error({ err: error }, 'the broker connection limiter stopped');
    }
  }

  private recordRefusal(cap: PeerCap | undefined, address: string): void {
    this.refusedTotal++;
    this.refusedSinceWarning++;
    const now = Date.now();
    if (now - this.lastWarning < WARN_INTERVAL_MS) return;
    this.lastWarning = now;
    this.logger.warn(
      { refused: this.refusedSinceWarning, refused_total: this.refusedTotal, from: address, max: cap?.max },
      `refused ${this.refusedSinceWarning} connection(s): the broker already holds its most ${cap?.what ?? 'peers'} (--max-${cap?.what ?? 'peers'})`,
    );
    this.refusedSinceWarning = 0;
  }
}
