import { describe, expect, it } from 'vitest';
import { watchLiveness } from '../../../src/supervisor/liveness.js';
import type { Probe } from '../../../src/supervisor/probes/probe.js';
import { sleep, waitFor } from '../../helpers/wait.js';

const INTERVAL_MS = 20;
/** Wide enough that a probe failing 1.25 intervals late lands well between two ticks, even on a busy machine. */
const SLOW_INTERVAL_MS = 80;

/** Answers each check after `answerAfterMs` unless its timeout passes first (as a real probe), or fails it, or never answers. */
function probe(behaviour: { answerAfterMs: number } | 'fails' | 'silent'): Promise<Probe> {
  const late = async (answerAfterMs: number, timeoutMs: number): Promise<void> => {
    await sleep(Math.min(answerAfterMs, timeoutMs));
    if (answerAfterMs > timeoutMs) throw new Error(`no answer within ${timeoutMs} ms`);
  };
  return Promise.resolve({
    check: (timeoutMs: number) =>
      behaviour === 'fails'
        ? Promise.reject(new Error('refused'))
        : behaviour === 'silent'
          ? new Promise<void>(() => undefined)
          : late(behaviour.answerAfterMs, timeoutMs),
    close: () => undefined,
  });
}

function watch(behaviour: Parameters<typeof probe>[0]): { hung: number[]; stop: () => void } {
  const hung: number[] = [];
  const stop = watchLiveness(probe(behaviour), { intervalMs: INTERVAL_MS, failures: 3 }, (failures) => hung.push(failures));
  return { hung, stop };
}

describe('watchLiveness', () => {
  it('calls a service that never answers hung after the set number of intervals, once', async () => {
    const watcher = watch('silent');
    await waitFor('hung', () => watcher.hung.length > 0);
    await sleep(5 * INTERVAL_MS);
    expect(watcher.hung).toEqual([3]);
  });

  it('calls a service whose probes fail hung as well', async () => {
    const watcher = watch('fails');
    await waitFor('hung', () => watcher.hung.length > 0);
    expect(watcher.hung).toEqual([3]);
  });

  it('counts a probe that waited through an interval and then failed as one miss, not two', async () => {
    let checks = 0;
    const failsLate: Probe = {
      check: async () => {
        checks++;
        await sleep(1.25 * SLOW_INTERVAL_MS);
        throw new Error('refused, late');
      },
      close: () => undefined,
    };
    const hung: number[] = [];
    const stop = watchLiveness(Promise.resolve(failsLate), { intervalMs: SLOW_INTERVAL_MS, failures: 3 }, (failures) =>
      hung.push(failures),
    );
    await waitFor('hung', () => hung.length > 0, { timeoutMs: 20 * SLOW_INTERVAL_MS });
    stop();
    // Each probe spans one tick it waited through (a miss) and fails before the next: three probes for three misses.
    expect(checks).toBe(3);
  });

  it('leaves alone a busy service that answers every probe late, within the allowed silence', async () => {
    const watcher = watch({ answerAfterMs: 1.5 * INTERVAL_MS });
    await sleep(20 * INTERVAL_MS);
    watcher.stop();
    expect(watcher.hung).toEqual([]);
  });
});
