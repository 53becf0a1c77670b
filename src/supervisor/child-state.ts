import type { EventFields } from '../events/types.js';

/**
 * The states of one supervised service, and the only transitions between them (after supervisord's
 * process states). Every transition is logged and published as one event (`stateEvent`).
 *
 *   stopped → starting → running → exited | unhealthy → backoff → starting → …
 *   exited → fatal (restart intensity exceeded) · a live process → stopping → stopped
 */
export const CHILD_STATES = ['stopped', 'starting', 'running', 'unhealthy', 'exited', 'backoff', 'fatal', 'stopping'] as const;
export type ChildState = (typeof CHILD_STATES)[number];

export const TRANSITIONS: Record<ChildState, readonly ChildState[]> = {
  stopped: ['starting'],
  starting: ['running', 'exited', 'stopping'],
  running: ['exited', 'unhealthy', 'stopping'],
  unhealthy: ['exited', 'stopping'],
  // Stays here when it is not to be restarted; a start by hand leaves from here, or from fatal.
  exited: ['backoff', 'fatal', 'starting'],
  backoff: ['starting', 'stopped'],
  fatal: ['starting'],
  stopping: ['stopped'],
};

export function canTransition(from: ChildState, to: ChildState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States with a process of ours behind them (supervisord's SIGNALLABLE_STATES, plus unhealthy). */
export const PROCESS_STATES = ['starting', 'running', 'unhealthy', 'stopping'] as const satisfies readonly ChildState[];
/** States in which the supervisor keeps the service up, now or after a delay (supervisord's RUNNING_STATES). */
export const RUNNING_STATES = ['starting', 'running', 'unhealthy', 'backoff'] as const satisfies readonly ChildState[];
/** States that stay until someone starts the service again (supervisord's STOPPED_STATES). */
export const STOPPED_STATES = ['stopped', 'exited', 'fatal'] as const satisfies readonly ChildState[];

export function isIn<S extends ChildState>(group: readonly S[], state: ChildState): state is S {
  return (group as readonly ChildState[]).includes(state);
}

/** The event a transition into `S` publishes: `service.<state>`, for every state. */
export type StateEvent<S extends ChildState = ChildState> = `service.${S}`;
export const stateEvent = <S extends ChildState>(state: S): StateEvent<S> => `service.${state}`;

// Indexing EventFields by every state's event is the compile-time check that src/events/types.ts
// defines each of them: a state added without its event type does not compile here.
type TransitionDetails = { [S in ChildState]: Omit<EventFields[StateEvent<S>], 'service'> };
/** What a transition into `S` carries: its event's fields but the service name, which the supervisor adds. */
export type TransitionDetail<S extends ChildState = ChildState> = TransitionDetails[S];

type UnionToIntersection<U> = (U extends unknown ? (from: U) => void : never) extends (from: infer I) => void ? I : never;
/** Any transition's detail with every field optional, for a watcher that reads a few fields of each. */
export type AnyTransitionDetail = Partial<UnionToIntersection<TransitionDetail>>;
