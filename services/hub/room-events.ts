import { brokerPubEndpoint, type CommonConfig } from '../../src/config/options.js';
import { DropReport } from '../../src/events/drop-report.js';
import { hasValidSignature } from '../../src/events/signature.js';
import { subscribe } from '../../src/events/subscribe.js';
import { EVENT_REJECTIONS, parseEvent } from '../../src/events/types.js';
import type { Logger } from '../../src/logging/logger.js';
import type { Hub } from './hub.js';

const REFUSALS = [...EVENT_REJECTIONS, 'bad_signature'] as const;
/** Sources named in the log when their unsigned events are refused, each once; bounded, as senders are anyone. */
const MAX_NAMED_SOURCES = 32;

export interface RoomEventsOptions {
  /** The room service's event key (src/events/signature.ts). */
  key: Buffer;
  /** Each (re)connection to the broker: the hub resynchronises, since events may have been missed. */
  onConnect(): void;
}

/**
 * Applies the room service's decisions as they are published: a deleted or expired room closes,
 * a kicked user leaves, a created room is the open instance of its name. Only events that are
 * well-formed and carry the room service's signature command anything; the rest (anyone on the
 * machine can publish) are dropped, counted, and their claimed source logged once.
 */
export function followRoomEvents(
  config: CommonConfig,
  hub: Hub,
  logger: Logger,
  signal: AbortSignal,
  options: RoomEventsOptions,
): Promise<void> {
  const refused = new DropReport(REFUSALS, 'room event(s) that were not well-formed or not signed by the room service', logger);
  const namedSources = new Set<string>();
  return subscribe({
    endpoint: brokerPubEndpoint(config),
    prefixes: ['room/'],
    signal,
    onConnect: options.onConnect,
    onEvent: (received) => {
      const parsed = parseEvent(received);
      if (!parsed.ok) return void refused.record(parsed.reason);
      const { event } = parsed;
      const signed = (room: string): boolean => {
        if (hasValidSignature(options.key, received.payload as Record<string, unknown>)) return true;
        refused.record('bad_signature');
        const source = event.source.slice(0, 64);
        if (namedSources.size < MAX_NAMED_SOURCES && !namedSources.has(source)) {
          namedSources.add(source);
          logger.warn({ type: event.type, source, room }, 'ignoring room events that the room service did not sign');
        }
        return false;
      };
      switch (event.type) {
        case 'room.created':
          if (signed(event.room)) hub.roomOpened(event.room, event.instance);
          return;
        case 'room.deleted':
        case 'room.expired':
          if (signed(event.room)) hub.closeRoom(event.room, event.instance, event.type === 'room.deleted' ? 'deleted' : 'expired');
          return;
        case 'room.kicked':
          if (signed(event.room)) hub.kick(event.room, event.instance, event.user, event.revoked_before);
          return;
      }
    },
  })
    .catch((error: unknown) => logger.error({ err: error }, 'stopped following room events'))
    .finally(() => refused.flush());
}
