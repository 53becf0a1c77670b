import { describe, expect, it } from 'vitest';
import { EventHold } from '../../../src/supervisor/event-hold.js';
import { waitFor } from '../../helpers/wait.js';

/** A hold whose sends record which event went out; events are named s1, s2, … */
function hold(limit = 1000): { hold: { publish(n: number): void } & EventHold; published: string[] } {
  const published: string[] = [];
  const h = Object.assign(new EventHold(5, limit), {
    publish(this: EventHold, n: number) {
      this.send(() => published.push(`s${n}`));
    },
  });
  return { hold: h, published };
}

describe('EventHold', () => {
  it('publishes at once while the broker is up', () => {
    const { hold: h, published } = hold();
    h.publish(1);
    expect(published).toEqual(['s1']);
  });

  it('holds events while the broker is down and publishes them in order a grace after it is back', async () => {
    const { hold: h, published } = hold();
    h.hold();
    h.publish(1);
    h.publish(2);
    expect(published).toEqual([]);
    expect(await h.release(() => true)).toBe(0);
    expect(published).toEqual(['s1', 's2']);
    h.publish(3);
    expect(published).toHaveLength(3);
  });

  it('keeps holding when the broker is down again by the end of the grace', async () => {
    const { hold: h, published } = hold();
    h.hold();
    h.publish(1);
    await h.release(() => false);
    expect(published).toEqual([]);
    expect(h.holding).toBe(true);
  });

  it('holds at most its limit and counts what it dropped', async () => {
    const { hold: h, published } = hold(2);
    h.hold();
    for (let n = 1; n <= 5; n++) h.publish(n);
    expect(await h.release(() => true)).toBe(3);
    await waitFor('the held events', () => published.length === 2);
    expect(published).toEqual(['s1', 's2']);
  });
});
