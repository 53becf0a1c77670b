import { brokerPubEndpoint, type CommonConfig } from '../../src/config/options.js';
import { subscribe } from '../../src/events/subscribe.js';
import type { Logger } from '../../src/logging/logger.js';
import type { Hub } from './hub.js';

/**
 * Applies the room service's decisions as they are published: a deleted or expired room closes,
 * a kicked user leaves. ZeroMQ reconnects by itself, so a broker restart only delays them.
 */
export function followRoomEvents(config: CommonConfig, hub: Hub, logger: Logger, signal: AbortSignal): Promise<void> {
  return subscribe({
    endpoint: brokerPubEndpoint(config),
    prefixes: ['room/'],
    signal,
    onEvent: ({ payload }) => {
      const event = (payload ?? {}) as Record<string, unknown>;
      const room = typeof event.room === 'string' ? event.room : undefined;
      if (!room) return;
      const at = typeof event.ts === 'string' && Number.isFinite(Date.parse(event.ts)) ? Date.parse(event.ts) : Date.now();
      if (event.type === 'room.deleted') hub.closeRoom(room, 'deleted', at);
      else if (event.type === 'room.expired') hub.closeRoom(room, 'expired', at);
      else if (event.type === 'room.kicked' && typeof event.user === 'string' && typeof event.revoked_before === 'number')
        hub.kick(room, event.user, event.revoked_before);
    },
  }).catch((error: unknown) => logger.error({ err: error }, 'stopped following room events'));
}
