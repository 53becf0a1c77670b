import type { CommonConfig } from '../../src/config/options.js';
import { syncProof } from '../../src/events/signature.js';
import type { Logger } from '../../src/logging/logger.js';
import { isAnswerTo, type RoomsSnapshot } from '../../src/protocol/rooms-api.js';
import { callXmlRpc } from '../../src/protocol/xml-rpc/http-client.js';

export interface RoomSyncTarget {
  applySync(snapshot: RoomsSnapshot): void;
}

/** Every minute, so anything missed in between is put right within one. */
const PERIOD_MS = 60_000;
/** After a broker (re)connection: long enough for the subscription to be live, so nothing falls in the gap. */
const AFTER_CONNECT_MS = 200;
const RETRY_MS = 2000;
const CALL_TIMEOUT_MS = 5000;

/**
 * Keeps the hub's view of room instances right even when events are lost: asks the room service
 * (`hub_sync`) at start, after every (re)connection to the broker, and every minute. Until the first
 * answer the hub admits any genuine ticket, as it must to keep chat going while the room service
 * is away; a failed call is retried every two seconds.
 */
export class RoomSync {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: Pick<CommonConfig, 'host' | 'roomsPort'>,
    private readonly key: Buffer,
    private readonly target: RoomSyncTarget,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** The broker connection was (re)made: resynchronise shortly. */
  connected(): void {
    this.schedule(AFTER_CONNECT_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let next = PERIOD_MS;
    try {
      const answer = await callXmlRpc(
        { host: this.config.host, port: this.config.roomsPort },
        'hub_sync',
        [syncProof(this.key)],
        CALL_TIMEOUT_MS,
      );
      if (!isAnswerTo('hub_sync', answer)) throw new Error('the room service answered hub_sync with something that is not a snapshot');
      if (!this.stopped) this.target.applySync(answer);
    } catch (error) {
      next = RETRY_MS;
      this.logger.warn({ err: error, retry_ms: RETRY_MS }, 'could not synchronise rooms with the room service; retrying');
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      next = 0;
    }
    this.schedule(next);
  }
}
