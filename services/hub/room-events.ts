import { brokerPubEndpoint, type CommonConfig } from '../../src/config/options.js';
import { DropReport } from '../../src/events/drop-report.js';
import { subscribe } from '../../src/events/subscribe.js';
import { EVENT_REJECTIONS, parseEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import type { Hub } from './hub.js';

/**
 * Applies the room service's decisions as they are published: a deleted or expired room closes,
 * a kicked user leaves. ZeroMQ reconnects by itself, so a broker restart only delays them.
 * Anything on `room/` that is not a well-formed event is dropped and counted, never acted on.
 */
export function followRoomEvents(config: CommonConfig, hub: Hub, logger: Logger, signal: AbortSignal): Promise<void> {
  const refused = new DropReport(EVENT_REJECTIONS, 'room event(s) that were not well-formed', logger);
  return subscribe({
    endpoint: brokerPubEndpoint(config),
    prefixes: ['room/'],
    signal,
    onEvent: (received) => {
      const parsed = parseEvent(received);
      if (!parsed.ok) return void refused.record(parsed.reason);
      const { event } = parsed;
      if (event.type === 'room.deleted') hub.closeRoom(event.room, 'deleted', Date.parse(event.ts));
      else if (event.type === 'room.expired') hub.closeRoom(event.room, 'expired', Date.parse(event.ts));
      else if (event.type === 'room.kicked') hub.kick(event.room, event.user, event.revoked_before);
    },
  })
    .catch((error: unknown) => logger.error({ err: error }, 'stopped following room events'))
    .finally(() => refused.flush());
}
