import { describe, expect, it } from 'vitest';
import { CHILD_STATES, canTransition, TRANSITIONS } from '../../../src/supervisor/child-state.js';

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

  it('reach fatal only from exited, and leave fatal only to stop', () => {
    expect(CHILD_STATES.filter((from) => canTransition(from, 'fatal'))).toEqual(['exited']);
    expect(TRANSITIONS.fatal).toEqual(['stopping']);
  });

  it('let every live state be stopped, and stopping end only in stopped', () => {
    for (const from of ['starting', 'running', 'unhealthy', 'exited', 'backoff', 'fatal'] as const)
      expect(canTransition(from, 'stopping')).toBe(true);
    expect(TRANSITIONS.stopping).toEqual(['stopped']);
  });

  it('name only known states as targets', () => {
    for (const targets of Object.values(TRANSITIONS)) for (const to of targets) expect(CHILD_STATES).toContain(to);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CHILD_STATES].sort());
  });
});
