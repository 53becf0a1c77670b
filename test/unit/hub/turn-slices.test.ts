import { describe, expect, it } from 'vitest';
import { TurnSlices } from '../../../services/hub/turn-slices.js';
import { waitFor } from '../../helpers/wait.js';

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('TurnSlices', () => {
  it('runs every task once, in order, and lets the event loop turn once a slice is spent', async () => {
    const slices = new TurnSlices(1);
    const done: number[] = [];
    let doneWhenLoopTurned = -1;
    for (let i = 0; i < 50; i++)
      slices.add(() => {
        busy(0.6);
        done.push(i);
        if (i === 0) setImmediate(() => (doneWhenLoopTurned = done.length));
      });
    await waitFor('all 50 tasks', () => done.length === 50 && slices.queued === 0);
    expect(done).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Each slice holds at most two such tasks: something else ran long before the last one.
    expect(doneWhenLoopTurned).toBeGreaterThan(0);
    expect(doneWhenLoopTurned).toBeLessThanOrEqual(4);
  });

  it('has input wait once a turn of the loop has spent a slice since its first input, and not in the next turn', async () => {
    const slices = new TurnSlices(2);
    expect(slices.crowded()).toBe(false);
    busy(1);
    expect(slices.crowded()).toBe(false);
    busy(1.5);
    expect(slices.crowded()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(slices.crowded()).toBe(false);
  });

  it('has input wait while older work waits, so that nothing overtakes it', async () => {
    const slices = new TurnSlices(50);
    let ran = false;
    slices.add(() => {
      ran = true;
    });
    expect(slices.crowded()).toBe(true);
    await waitFor('the queued task', () => ran);
    expect(slices.crowded()).toBe(false);
  });
});
