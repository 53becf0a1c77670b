import type { ReceivedEvent } from '../../events/envelope.js';
import { HEALTH_TOPIC_PREFIX, systemTopic } from '../../events/topics.js';
import type { EventType } from '../../events/types.js';

/**
 * Events that arrive every few seconds whatever happens (the supervisor's health probes, the
 * broker's counters) and drown out the rest of `system/`. Each is hidden unless asked for: with
 * --all, or by a prefix that names its own topic (`system/health`, `system/broker`).
 */
const ROUTINE: readonly { type: EventType; topic: string }[] = [
  { type: 'health.probe', topic: HEALTH_TOPIC_PREFIX },
  { type: 'broker.stats', topic: systemTopic('broker') },
];

/** Whether the subscriber shows an event, given the prefixes asked for and --all. */
export function routineFilter(prefixes: readonly string[], all: boolean): (event: ReceivedEvent) => boolean {
  if (all) return () => true;
  const named = ROUTINE.filter(({ topic }) => prefixes.some((prefix) => prefix.startsWith(topic.replace(/\/$/, ''))));
  const hidden = new Set(ROUTINE.filter((routine) => !named.includes(routine)).map((routine) => routine.type));
  return (event) => {
    const type = (event.payload as { type?: unknown } | null)?.type;
    return !(typeof type === 'string' && hidden.has(type as EventType));
  };
}
