import { callXmlRpc } from '../../protocol/xml-rpc/http-client.js';
import type { Probe } from './probe.js';

/** The room service is healthy when XML-RPC system.ping answers "pong". */
export class RoomsProbe implements Probe {
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async check(timeoutMs: number): Promise<void> {
    const answer = await callXmlRpc({ host: this.host, port: this.port }, 'system.ping', [], timeoutMs);
    if (answer !== 'pong') throw new Error(`system.ping answered ${JSON.stringify(answer)} instead of "pong"`);
  }

  close(): void {}
}
