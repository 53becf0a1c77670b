import { describe, expect, it } from 'vitest';
import { EventPublisher } from '../../src/events/publisher.js';
import { makeEvent } from '../../src/events/types.js';
import { freePort } from '../helpers/ports.js';

describe('event publisher without a broker', () => {
  it('never blocks its caller, queues up to the high-water mark and counts what it drops', async () => {
    const publisher = new EventPublisher(`tcp://127.0.0.1:${await freePort()}`, { highWaterMark: 100, lingerMs: 0 });
    const started = performance.now();
    const accepted = Array.from({ length: 5000 }, (_, i) =>
      publisher.publish(makeEvent('room.left', 'rooms', { instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', room: 'r', user: `u${i}`, members: 0 })),
    ).filter(Boolean).length;
    expect(performance.now() - started).toBeLessThan(2000);
    await publisher.close();
    const { sent, dropped } = publisher.counts;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(100);
    expect(dropped).toBeGreaterThan(4000);
    expect(sent + dropped).toBe(5000);
    expect(accepted).toBeLessThan(5000);
  });
});
