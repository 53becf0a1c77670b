/**
 * The IPC messages between the supervisor and a service it runs (JSON over the child's IPC
 * channel). Documented in docs/supervisor.md.
 */

/**
 * Sent by a service once its sockets are bound. Probes alone cannot tell our process from another
 * one answering on the same port; this message can.
 */
export const SERVICE_LISTENING = 'thiscord.listening';

/** Sent by the supervisor: stop gracefully, for this reason (a stop a SIGTERM cannot explain). */
export const SERVICE_STOP = 'thiscord.stop';
/** Why the supervisor stops a service: the hub tells its clients whether it comes back at once. */
export type StopReason = 'restart' | 'stop' | 'shutdown';

/** Sent by the supervisor: answer with your figures. */
export const STATS_REQUEST = 'thiscord.stats?';
/** A service's answer: counts and gauges, names as in docs/control.md's live figures. */
export const STATS_ANSWER = 'thiscord.stats';

export type ServiceStats = Record<string, number>;

export type SupervisorMessage = { type: typeof SERVICE_STOP; reason: StopReason } | { type: typeof STATS_REQUEST };
export type ServiceMessage = { type: typeof SERVICE_LISTENING } | { type: typeof STATS_ANSWER; stats: ServiceStats };

const STOP_REASONS: readonly string[] = ['restart', 'stop', 'shutdown'] satisfies StopReason[];

/** Narrows what arrives on a service's IPC channel; anything else is ignored. */
export function supervisorMessage(value: unknown): SupervisorMessage | undefined {
  const message = value as { type?: unknown; reason?: unknown } | null;
  if (message?.type === STATS_REQUEST) return { type: STATS_REQUEST };
  if (message?.type === SERVICE_STOP && typeof message.reason === 'string' && STOP_REASONS.includes(message.reason)) {
    return { type: SERVICE_STOP, reason: message.reason as StopReason };
  }
  return undefined;
}

/** Narrows what arrives from a child; anything else is ignored. */
export function serviceMessage(value: unknown): ServiceMessage | undefined {
  const message = value as { type?: unknown; stats?: unknown } | null;
  if (message?.type === SERVICE_LISTENING) return { type: SERVICE_LISTENING };
  if (message?.type === STATS_ANSWER && typeof message.stats === 'object' && message.stats !== null) {
    const stats: ServiceStats = {};
    for (const [key, count] of Object.entries(message.stats)) if (typeof count === 'number' && Number.isFinite(count)) stats[key] = count;
    return { type: STATS_ANSWER, stats };
  }
  return undefined;
}
