/**
 * The states of one supervised service, and the only transitions between them (after supervisord's
 * process states). Every transition is logged and published as an event (see supervisor.ts).
 *
 *   stopped → starting → running → exited | unhealthy → backoff → starting → …
 *   exited → fatal (restart intensity exceeded) · any live state → stopping → stopped
 */
export const CHILD_STATES = ['stopped', 'starting', 'running', 'unhealthy', 'exited', 'backoff', 'fatal', 'stopping'] as const;
export type ChildState = (typeof CHILD_STATES)[number];

export const TRANSITIONS: Record<ChildState, readonly ChildState[]> = {
  stopped: ['starting'],
  starting: ['running', 'exited', 'stopping'],
  running: ['exited', 'unhealthy', 'stopping'],
  unhealthy: ['exited', 'stopping'],
  exited: ['backoff', 'fatal', 'stopping', 'stopped'],
  backoff: ['starting', 'stopping'],
  fatal: ['stopping'],
  stopping: ['stopped'],
};

export function canTransition(from: ChildState, to: ChildState): boolean {
  return TRANSITIONS[from].includes(to);
}
