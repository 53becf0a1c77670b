import type { ClientFrame, HubFrame } from '../../src/protocol/frames.js';
import { waitFor } from './wait.js';

/** What a bare client of the hub protocol keeps and waits on, whatever carries its frames (TCP or WebSocket). */
export abstract class FrameClient {
  readonly frames: HubFrame[] = [];

  /** `carrier` names the connection in a wait's failure ("hub", "web"). */
  protected constructor(private readonly carrier: string) {}

  abstract send(frame: ClientFrame | Record<string, unknown>): void;

  /** Says hello with `ticket` and resolves once welcomed. */
  async sayHello(ticket: string): Promise<this> {
    this.send({ type: 'hello', ticket });
    await this.waitFor('welcome', (frame) => frame.type === 'welcome');
    return this;
  }

  of<T extends HubFrame['type']>(type: T): Extract<HubFrame, { type: T }>[] {
    return this.frames.filter((frame) => frame.type === type) as Extract<HubFrame, { type: T }>[];
  }

  waitFor(what: string, match: (frame: HubFrame) => boolean, timeoutMs = 5000): Promise<HubFrame> {
    return waitFor(
      `${this.carrier} frame: ${what} (last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 600)})`,
      () => this.frames.find(match),
      { timeoutMs },
    );
  }
}
