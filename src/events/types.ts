import {
  arrayOf,
  type Fields,
  type FromFields,
  isBoolean,
  isCount,
  isInstant,
  isNumber,
  isString,
  nullable,
  object,
  recordOf,
  taggedUnion,
} from '../protocol/guards.js';
import type { StackProcess } from '../stack/registry.js';
import { isInstanceId } from '../tickets/room-instance.js';
import { topicOf } from './topics.js';

/**
 * Every event ThisCord puts on the broker, defined once. Producers build events with `makeEvent`,
 * consumers accept them only through `parseEvent` and narrow on `type`, so a misspelt event type
 * does not compile and a malformed one is refused, never trusted by its type string.
 * Documented in docs/events.md; keep the two in step.
 */

/** What emits events: every service of the registry, the supervisor, and `thiscord publish`. */
export type EventSource = StackProcess;

export const DROP_REASONS = ['bad_json', 'bad_utf8', 'no_topic', 'too_large', 'bad_frames'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

const names = arrayOf(isString);

/**
 * The fields of every event type, as guards: the one definition of an event's shape, from which
 * `EventFields` (what producers must build) and `parseEvent` (what consumers accept) both follow.
 */
const EVENT_SCHEMAS = {
  // Supervisor: lifecycle of one supervised service, on system/<service>.
  'service.starting': { service: isString, attempt: isCount, pid: isCount },
  'service.running': { service: isString, pid: isCount, ms: isCount },
  'service.exited': { service: isString, pid: isCount, code: nullable(isNumber), signal: nullable(isString) },
  'service.unhealthy': { service: isString, pid: isCount, failures: isCount },
  'service.backoff': { service: isString, attempt: isCount, delay_ms: isCount },
  'service.fatal': { service: isString, restarts: isCount, window_ms: isCount, reason: isString },
  'service.stopping': { service: isString, pid: isCount },
  'service.stopped': { service: isString, code: nullable(isNumber), signal: nullable(isString) },
  // Supervisor itself, on system/supervisor.
  'supervisor.up': { ms: isCount, services: names },
  'supervisor.stopping': { reason: isString },
  'supervisor.stopped': { ms: isCount, fatal: names },
  // Broker, on system/broker.
  'broker.stats': {
    received: isCount,
    published: isCount,
    dropped: isCount,
    dropped_by_reason: recordOf(DROP_REASONS, isCount),
    /** Connections refused because the broker held its most publishers or subscribers. */
    refused_connections: isCount,
    publishers: isCount,
    subscribers: isCount,
    interval_ms: isCount,
  },
  // Health probe nonce, on system/health/<nonce>.
  'health.probe': { nonce: isString },
  // Hub, on user/<name>.
  'user.login': { user: isString, rooms: names, connections: isCount },
  'user.logout': { user: isString, rooms: names, duration_ms: isCount, connections: isCount },
  // Room service, on room/<name>.
  'room.created': {
    room: isString,
    instance: isInstanceId,
    user: isString,
    private: isBoolean,
    unlisted: isBoolean,
    expires_at: nullable(isInstant),
    members: isCount,
  },
  'room.joined': { room: isString, instance: isInstanceId, user: isString, members: isCount, issued_at: isCount },
  'room.left': { room: isString, instance: isInstanceId, user: isString, members: isCount },
  'room.kicked': { room: isString, instance: isInstanceId, user: isString, by: isString, members: isCount, revoked_before: isCount },
  'room.deleted': { room: isString, instance: isInstanceId, user: isString },
  'room.expired': { room: isString, instance: isInstanceId, members: isCount },
  // An operator's free-form note from `thiscord publish <topic> <text>` (never chat text).
  note: { text: isString },
} as const satisfies Record<string, Fields>;

const events = taggedUnion(EVENT_SCHEMAS);
export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventFields = { [T in EventType]: FromFields<(typeof EVENT_SCHEMAS)[T]> };

export const EVENT_TYPES = events.types;

interface EventBase<T extends EventType = EventType> {
  type: T;
  /** ISO 8601. */
  ts: string;
  source: EventSource;
}

export type EventOf<T extends EventType> = EventBase<T> & EventFields[T];
export type ThiscordEvent = { [T in EventType]: EventOf<T> }[EventType];

export function makeEvent<T extends EventType>(type: T, source: EventSource, fields: EventFields[T], now = new Date()): EventOf<T> {
  return { type, ts: now.toISOString(), source, ...fields } as EventOf<T>;
}

/** Why `parseEvent` refused a payload (the order in which it checks). */
export const EVENT_REJECTIONS = ['not_an_event', 'unknown_type', 'bad_fields', 'wrong_topic'] as const;
type EventRejection = (typeof EVENT_REJECTIONS)[number];

/**
 * An event as a consumer receives it. Its `source` is only what the publisher claims (anything on
 * the machine may publish), so it is read as a name, not checked against the services a consumer
 * does not load.
 */
type IncomingEvent = { [T in EventType]: Omit<EventOf<T>, 'source'> & { source: string } }[EventType];

type ParsedEvent = { ok: true; event: IncomingEvent } | { ok: false; reason: EventRejection };

const isEventBase = object({ type: isString, ts: isInstant, source: isString });

/**
 * The consumers' side: a payload received from the broker (anyone on the machine can push one) is
 * an event only if its base fields, its type's fields and its topic all hold. An event routed by
 * its fields must arrive on that topic, so a `room.deleted` pushed on `room/a` cannot close room b.
 */
export function parseEvent(received: { topic: string; payload: unknown }): ParsedEvent {
  const { payload } = received;
  if (!isEventBase(payload)) return { ok: false, reason: 'not_an_event' };
  if (!events.knows(payload.type)) return { ok: false, reason: 'unknown_type' };
  if (!events.check(payload)) return { ok: false, reason: 'bad_fields' };
  const event: IncomingEvent = payload;
  if (event.type !== 'note' && topicOf(event) !== received.topic) return { ok: false, reason: 'wrong_topic' };
  return { ok: true, event };
}
