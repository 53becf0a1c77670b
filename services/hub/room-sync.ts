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
/** A failed call is retried after 50 ms, doubling up to 2 s: at a cold start the room service starts beside the hub. */
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 2000;
/** Failing for less than this is the room service still starting (or restarting), not worth a warning. */
const WARN_AFTER_MS = 3000;
const CALL_TIMEOUT_MS = 5000;

/**
 * Keeps the hub's view of room instances right even when events are lost: asks the room service
 * (`hub_sync`) at start, after every (re)connection to the broker, and every minute. Until the first
 * answer the hub admits any genuine ticket, as it must to keep chat going while the room service
 * is away; a failed call is retried soon, then every two seconds.
 */
export class RoomSync {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  /** While calls fail: since when, the next delay, and whether that has been warned about. */
  private failing: { since: number; retryMs: number; warned: boolean } | null = null;

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
      this.failing = null;
    } catch (error) {
      const failing = (this.failing ??= { since: performance.now(), retryMs: FIRST_RETRY_MS, warned: false });
      next = failing.retryMs;
      failing.retryMs = Math.min(failing.retryMs * 2, MAX_RETRY_MS);
      const ms = Math.round(performance.now() - failing.since);
      if (!failing.warned && ms >= WARN_AFTER_MS) {
        failing.warned = true;
        this.logger.warn({ err: error, failing_ms: ms, retry_ms: next }, 'could not synchronise rooms with the room service; retrying');
      } else {
        this.logger.debug({ err: error, failing_ms: ms, retry_ms: next }, 'room sync failed; retrying');
      }
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
