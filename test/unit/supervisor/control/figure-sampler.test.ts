import { describe, expect, it } from 'vitest';
import { FigureSampler } from '../../../../src/supervisor/control/figure-sampler.js';

/** A sampler over scripted answers and a clock the test moves. */
function scripted(answers: Record<string, { pid: number; stats: Record<string, number> } | undefined>) {
  let clock = 0;
  const sampler = new FigureSampler(['broker', 'rooms', 'hub'], async (service) => answers[service]);
  return {
    sampler,
    answers,
    sampleAt: (ms: number) => {
      clock = ms;
      return sampler.sample(() => clock);
    },
  };
}

describe('figure sampler', () => {
  it('reports each service as it last answered, and no rate from one sample', async () => {
    const { sampler, sampleAt } = scripted({
      hub: { pid: 1, stats: { connections: 3, rooms: 2, messages_total: 10, loop_delay_max_ms: 42 } },
      rooms: { pid: 2, stats: { rooms: 5 } },
      broker: { pid: 3, stats: { events_total: 100, dropped_total: 1 } },
    });
    await sampleAt(0);
    expect(sampler.figures()).toEqual({
      hub: { connections: 3, rooms: 2, messages_total: 10, messages_per_s: 0, loop_delay_max_ms: 42 },
      rooms: { rooms: 5 },
      broker: { events_total: 100, dropped_total: 1, events_per_s: 0, drops_per_s: 0 },
    });
  });

  it('turns two samples of the same process into rates a second', async () => {
    const { sampler, answers, sampleAt } = scripted({ broker: { pid: 3, stats: { events_total: 100, dropped_total: 0 } } });
    await sampleAt(1000);
    answers.broker = { pid: 3, stats: { events_total: 300, dropped_total: 4 } };
    await sampleAt(3000);
    expect(sampler.figures().broker).toMatchObject({ events_per_s: 100, drops_per_s: 2 });
  });

  it('gives no rate across a restart, when the counts start again from zero', async () => {
    const { sampler, answers, sampleAt } = scripted({ hub: { pid: 1, stats: { messages_total: 500 } } });
    await sampleAt(0);
    answers.hub = { pid: 2, stats: { messages_total: 5 } };
    await sampleAt(1000);
    expect(sampler.figures().hub).toMatchObject({ messages_total: 5, messages_per_s: 0 });
  });

  it('forgets a service that stops answering', async () => {
    const { sampler, answers, sampleAt } = scripted({ rooms: { pid: 2, stats: { rooms: 5 } } });
    await sampleAt(0);
    answers.rooms = undefined;
    await sampleAt(1000);
    expect(sampler.figures().rooms).toBeUndefined();
  });
});
