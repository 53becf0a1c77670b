import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/events/types.js';
import {
  CHILD_STATES,
  canTransition,
  PROCESS_STATES,
  RUNNING_STATES,
  STOPPED_STATES,
  stateEvent,
  TRANSITIONS,
} from '../../../src/supervisor/child-state.js';

describe('child states', () => {
  it('follow the supervisord cycle: stopped → starting → running → exited → backoff → starting', () => {
    const cycle = ['stopped', 'starting', 'running', 'exited', 'backoff', 'starting'] as const;
    for (let i = 1; i < cycle.length; i++) expect(canTransition(cycle[i - 1]!, cycle[i]!)).toBe(true);
  });

  it('go through unhealthy to exited when liveness fails, never straight back to running', () => {
    expect(canTransition('running', 'unhealthy')).toBe(true);
    expect(canTransition('unhealthy', 'exited')).toBe(true);
    expect(canTransition('unhealthy', 'running')).toBe(false);
  });

  it('reach fatal only from exited, and leave fatal only when started by hand', () => {
    expect(CHILD_STATES.filter((from) => canTransition(from, 'fatal'))).toEqual(['exited']);
    expect(TRANSITIONS.fatal).toEqual(['starting']);
  });

  it('stop a live process through stopping, and end stopping only in stopped', () => {
    for (const from of PROCESS_STATES.filter((state) => state !== 'stopping')) expect(canTransition(from, 'stopping')).toBe(true);
    expect(TRANSITIONS.stopping).toEqual(['stopped']);
    expect(canTransition('backoff', 'stopped')).toBe(true);
  });

  it('start only from a stopped state (by hand) or after the backoff', () => {
    expect(CHILD_STATES.filter((from) => canTransition(from, 'starting')).sort()).toEqual([...STOPPED_STATES, 'backoff'].sort());
  });

  it('name only known states as targets', () => {
    for (const targets of Object.values(TRANSITIONS)) for (const to of targets) expect(CHILD_STATES).toContain(to);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CHILD_STATES].sort());
  });

  it('sort every state into groups: a process, or resting; kept up, or not', () => {
    for (const state of CHILD_STATES) {
      expect((PROCESS_STATES as readonly string[]).includes(state) || [...STOPPED_STATES, 'backoff'].includes(state), state).toBe(true);
      expect((RUNNING_STATES as readonly string[]).includes(state) !== [...STOPPED_STATES, 'stopping'].includes(state), state).toBe(true);
    }
  });

  it('publish service.<state> for a transition into each state, and every service.* event type is one of those', () => {
    const serviceEvents = EVENT_TYPES.filter((type) => type.startsWith('service.'));
    expect([...serviceEvents].sort()).toEqual(CHILD_STATES.map(stateEvent).sort());
  });
});
