import type { EventOf, ThiscordEvent } from './types.js';

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
export type RoutableEvent = Exclude<ThiscordEvent, EventOf<'note'>>;

export function topicOf(event: RoutableEvent): Topic {
  switch (event.type) {
    case 'service.starting':
    case 'service.healthy':
    case 'service.exited':
    case 'service.unhealthy':
    case 'service.restarting':
    case 'service.fatal':
    case 'service.stopping':
    case 'service.stopped':
      return systemTopic(event.service);
    case 'supervisor.up':
    case 'supervisor.stopping':
    case 'supervisor.stopped':
      return systemTopic('supervisor');
    case 'broker.stats':
      return systemTopic('broker');
    case 'health.probe':
      return healthTopic(event.nonce);
    case 'user.login':
    case 'user.logout':
      return userTopic(event.user);
    case 'room.created':
    case 'room.joined':
    case 'room.left':
    case 'room.kicked':
    case 'room.deleted':
    case 'room.expired':
      return roomTopic(event.room);
  }
}
