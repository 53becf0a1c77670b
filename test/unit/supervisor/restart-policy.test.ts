import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../../src/supervisor/restart-policy.js';

const settings = { backoffInitialMs: 100, backoffMaxMs: 5000, backoffResetMs: 30_000, maxRestarts: 5, windowMs: 60_000 };

describe('RestartPolicy', () => {
  it('doubles the delay from the initial value and caps it at the maximum', () => {
    const policy = new RestartPolicy({ ...settings, maxRestarts: 100 });
    const delays = Array.from({ length: 8 }, (_, i) => policy.next(i * 60_001));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('allows max-restarts within the window and refuses the next one', () => {
    const policy = new RestartPolicy(settings);
    const delays = [0, 1, 2, 3, 4].map((t) => policy.next(t * 1000));
    expect(delays.every((delay) => typeof delay === 'number')).toBe(true);
    expect(policy.next(5000)).toBeUndefined();
  });

  it('forgets restarts older than the window', () => {
    const policy = new RestartPolicy({ ...settings, maxRestarts: 2, windowMs: 10_000 });
    expect(policy.next(0)).toBe(100);
    expect(policy.next(1000)).toBe(200);
    // The one at 0 has left the window, the one at 1000 has not: two recent, within the limit.
    expect(policy.next(10_500)).toBe(400);
    expect(policy.recentRestarts).toBe(2);
    expect(policy.next(10_600)).toBeUndefined();
  });

  it('starts the backoff over after a reset, without forgetting the intensity count', () => {
    const policy = new RestartPolicy({ ...settings, maxRestarts: 3 });
    policy.next(0);
    policy.next(1);
    policy.reset();
    expect(policy.next(2)).toBe(100);
    expect(policy.next(3)).toBeUndefined();
  });

  it('with max-restarts 0 gives up on the first exit', () => {
    expect(new RestartPolicy({ ...settings, maxRestarts: 0 }).next(0)).toBeUndefined();
  });
});
