import type { StackProcess } from '../stack/registry.js';

/**
 * Every event ThisCord puts on the broker, defined once. Producers build events with `makeEvent`
 * and consumers narrow on `type`, so a misspelt event type does not compile.
 * Documented in docs/events.md; keep the two in step.
 */

/** What emits events: every service of the registry, the supervisor, and `thiscord publish`. */
export type EventSource = StackProcess;

export interface EventFields {
  // Supervisor: lifecycle of one supervised service, on system/<service>.
  'service.starting': { service: string; attempt: number };
  'service.healthy': { service: string; pid: number; ms: number };
  'service.exited': { service: string; pid: number; code: number | null; signal: string | null };
  'service.unhealthy': { service: string; pid: number; failures: number };
  'service.restarting': { service: string; attempt: number; delay_ms: number };
  'service.fatal': { service: string; restarts: number; window_ms: number; reason: string };
  'service.stopping': { service: string; pid: number };
  'service.stopped': { service: string; code: number | null; signal: string | null };
  // Supervisor itself, on system/supervisor.
  'supervisor.up': { ms: number; services: string[] };
  'supervisor.stopping': { reason: string };
  'supervisor.stopped': { ms: number; fatal: string[] };
  // Broker, on system/broker.
  'broker.stats': {
    received: number;
    published: number;
    dropped: number;
    dropped_by_reason: Record<DropReason, number>;
    /** Connections refused because the broker held its most publishers or subscribers. */
    refused_connections: number;
    publishers: number;
    subscribers: number;
    interval_ms: number;
  };
  // Health probe nonce, on system/health/<nonce>.
  'health.probe': { nonce: string };
  // Hub, on user/<name>.
  'user.login': { user: string; rooms: string[]; connections: number };
  'user.logout': { user: string; rooms: string[]; duration_ms: number; connections: number };
  // Room service, on room/<name>.
  'room.created': { room: string; user: string; private: boolean; unlisted: boolean; expires_at: string | null; members: number };
  'room.joined': { room: string; user: string; members: number; issued_at: number };
  'room.left': { room: string; user: string; members: number };
  'room.kicked': { room: string; user: string; by: string; members: number; revoked_before: number };
  'room.deleted': { room: string; user: string };
  'room.expired': { room: string; members: number };
  // An operator's free-form note from `thiscord publish <topic> <text>` (never chat text).
  note: { text: string };
}

export type EventType = keyof EventFields;

export const EVENT_TYPES = [
  'service.starting',
  'service.healthy',
  'service.exited',
  'service.unhealthy',
  'service.restarting',
  'service.fatal',
  'service.stopping',
  'service.stopped',
  'supervisor.up',
  'supervisor.stopping',
  'supervisor.stopped',
  'broker.stats',
  'health.probe',
  'user.login',
  'user.logout',
  'room.created',
  'room.joined',
  'room.left',
  'room.kicked',
  'room.deleted',
  'room.expired',
  'note',
] as const satisfies readonly EventType[];

/** Compile-time check that EVENT_TYPES lists every key of EventFields. */
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const everyTypeListed: Missing extends never ? true : Missing = true;
void everyTypeListed;

export const DROP_REASONS = ['bad_json', 'bad_utf8', 'no_topic', 'too_large', 'bad_frames'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface EventBase<T extends EventType = EventType> {
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
