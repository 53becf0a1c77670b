import { RoomsClient } from '../../clients/rooms/rooms-client.js';
import type { Probe } from './probe.js';

/** The room service is healthy when XML-RPC system.ping answers "pong". */
export class RoomsProbe implements Probe {
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async check(timeoutMs: number): Promise<void> {
    const answer = await new RoomsClient({ host: this.host, port: this.port, timeoutMs }).ping();
    if (answer !== 'pong') throw new Error(`system.ping answered ${JSON.stringify(answer)} instead of "pong"`);
  }

  close(): void {}
}
