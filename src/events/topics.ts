import type { EventFields, EventOf, EventType, ThiscordEvent } from './types.js';

/**
 * Topics are `/`-separated so that ZeroMQ's prefix filter selects a family (`room/`), one subject
 * (`room/general`) or everything (the empty prefix).
 */
type TopicFamily = 'system' | 'user' | 'room';
export type Topic = `${TopicFamily}/${string}`;

export const systemTopic = (subject: string): Topic => `system/${subject}`;
const userTopic = (user: string): Topic => `user/${user}`;
const roomTopic = (room: string): Topic => `room/${room}`;

/** The broker's end-to-end health check: whatever is PUSHed here must come back out of PUB. */
export const HEALTH_TOPIC_PREFIX = 'system/health/';
export const healthTopic = (nonce: string): Topic => `system/health/${nonce}`;

/** Events whose topic follows from their fields; a `note` is published on a topic its author chooses. */
export type RoutableType = Exclude<EventType, 'note'>;
export type RoutableEvent = Exclude<ThiscordEvent, EventOf<'note'>>;

const routeService = (event: { service: string }): Topic => systemTopic(event.service);
const routeSupervisor = (): Topic => systemTopic('supervisor');
const routeUser = (event: { user: string }): Topic => userTopic(event.user);
const routeRoom = (event: { room: string }): Topic => roomTopic(event.room);

/** One route per routable type: a new event type does not compile until it has one. */
const ROUTES: { [T in RoutableType]: (event: EventFields[T]) => Topic } = {
  'service.starting': routeService,
  'service.running': routeService,
  'service.exited': routeService,
  'service.unhealthy': routeService,
  'service.backoff': routeService,
  'service.fatal': routeService,
  'service.stopping': routeService,
  'service.stopped': routeService,
  'supervisor.up': routeSupervisor,
  'supervisor.stopping': routeSupervisor,
  'supervisor.stopped': routeSupervisor,
  'broker.stats': () => systemTopic('broker'),
  'health.probe': (event) => healthTopic(event.nonce),
  'user.login': routeUser,
  'user.logout': routeUser,
  'room.created': routeRoom,
  'room.joined': routeRoom,
  'room.left': routeRoom,
  'room.kicked': routeRoom,
  'room.deleted': routeRoom,
  'room.expired': routeRoom,
};

export function topicOf<T extends RoutableType>(event: { type: T } & EventFields[T]): Topic {
  const route: (event: EventFields[T]) => Topic = ROUTES[event.type];
  return route(event);
}
