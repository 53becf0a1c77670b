import { describe, expect, it } from 'vitest';
import { decideAfterExit, RestartPolicy } from '../../../src/supervisor/restart-policy.js';

const settings = { backoffInitialMs: 100, backoffMaxMs: 5000, backoffResetMs: 30_000, maxRestarts: 5, windowMs: 60_000 };

describe('RestartPolicy', () => {
  it('restarts at once the first time, then doubles the delay from the initial value up to the maximum', () => {
    const policy = new RestartPolicy({ ...settings, maxRestarts: 100 });
    const delays = Array.from({ length: 9 }, (_, i) => policy.next(i * 60_001));
    expect(delays).toEqual([0, 100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('allows max-restarts within the window and refuses the next one', () => {
    const policy = new RestartPolicy(settings);
    const delays = [0, 1, 2, 3, 4].map((t) => policy.next(t * 1000));
    expect(delays.every((delay) => typeof delay === 'number')).toBe(true);
    expect(policy.next(5000)).toBeUndefined();
  });

  it('forgets restarts older than the window', () => {
    const policy = new RestartPolicy({ ...settings, maxRestarts: 2, windowMs: 10_000 });
    expect(policy.next(0)).toBe(0);
    expect(policy.next(1000)).toBe(100);
    // The one at 0 has left the window, the one at 1000 has not: two recent, within the limit.
    expect(policy.next(10_500)).toBe(200);
    expect(policy.recentRestarts).toBe(2);
    expect(policy.next(10_600)).toBeUndefined();
  });

  it('starts the backoff over after a reset (an immediate restart again), without forgetting the intensity count', () => {
    const policy = new RestartPolicy({ ...settings, maxRestarts: 3 });
    policy.next(0);
    expect(policy.next(1)).toBe(100);
    policy.reset();
    expect(policy.next(2)).toBe(0);
    expect(policy.next(3)).toBeUndefined();
  });

  it('with max-restarts 0 gives up on the first exit', () => {
    expect(new RestartPolicy({ ...settings, maxRestarts: 0 }).next(0)).toBeUndefined();
  });
});

describe('decideAfterExit', () => {
  const crash = { code: 1, signal: null };
  const clean = { code: 0, signal: null };
  const facts = { restart: 'permanent' as const, exit: crash, startFailed: false, supervisorStopping: false };
  const policy = (): RestartPolicy => new RestartPolicy(settings);

  it('restarts a permanent service after any exit, clean or not', () => {
    expect(decideAfterExit(facts, policy())).toEqual({ next: 'backoff', delayMs: 0 });
    expect(decideAfterExit({ ...facts, exit: clean }, policy())).toEqual({ next: 'backoff', delayMs: 0 });
  });

  it('restarts a transient service only after an abnormal exit (a code other than 0, or a signal)', () => {
    expect(decideAfterExit({ ...facts, restart: 'transient', exit: clean }, policy()).next).toBe('exited');
    expect(decideAfterExit({ ...facts, restart: 'transient', exit: crash }, policy()).next).toBe('backoff');
    expect(decideAfterExit({ ...facts, restart: 'transient', exit: { code: null, signal: 'SIGKILL' } }, policy()).next).toBe('backoff');
  });

  it('never restarts a temporary service', () => {
    expect(decideAfterExit({ ...facts, restart: 'temporary' }, policy())).toEqual({
      next: 'exited',
      why: 'it is temporary: never restarted',
    });
  });

  it('restarts nothing while the supervisor stops, nor a requested start that failed', () => {
    expect(decideAfterExit({ ...facts, supervisorStopping: true }, policy()).next).toBe('exited');
    expect(decideAfterExit({ ...facts, startFailed: true }, policy()).next).toBe('exited');
  });

  it('gives up (fatal) past the intensity, counting only restarts it granted', () => {
    const limited = new RestartPolicy({ ...settings, maxRestarts: 1 });
    expect(decideAfterExit({ ...facts, restart: 'temporary' }, limited, 0).next).toBe('exited');
    expect(decideAfterExit(facts, limited, 1).next).toBe('backoff');
    expect(decideAfterExit(facts, limited, 2)).toEqual({
      next: 'fatal',
      reason: 'restarted 1 times within the restart window and exited again',
    });
  });
});
