import type { ChildState, TransitionDetail } from './child-state.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

const exitText = (detail: { code: number | null; signal: string | null }): string =>
  detail.signal ? `signal ${detail.signal}` : `code ${detail.code}`;

/**
 * How a transition into each state reads in the log (its record also carries the event's fields).
 * `expected` is true while the supervisor stops everything, when exits are no surprise.
 */
export const STATE_LOG: { [S in ChildState]: (service: string, detail: TransitionDetail<S>, expected: boolean) => LogLine } = {
  starting: (service, { attempt }) => ({ level: 'info', message: `starting ${service}${attempt > 1 ? ` (attempt ${attempt})` : ''}` }),
  running: (service, { pid, ms }) => ({ level: 'info', message: `${service} healthy (pid ${pid}, ${ms} ms)` }),
  exited: (service, detail, expected) => ({ level: expected ? 'info' : 'warn', message: `${service} exited (${exitText(detail)})` }),
  unhealthy: (service, { failures }) => ({
    level: 'error',
    message: `${service} answered no probe for ${failures} probe intervals (hung); killing it to restart`,
  }),
  backoff: (service, { delay_ms }) => ({ level: 'warn', message: `restarting ${service} in ${delay_ms} ms` }),
  fatal: (service, { reason }) => ({
    level: 'error',
    message: `${service} is FATAL: ${reason}; giving up on it (the other services keep running)`,
  }),
  stopping: (service) => ({ level: 'info', message: `stopping ${service}` }),
  stopped: (service) => ({ level: 'info', message: `${service} stopped` }),
};
