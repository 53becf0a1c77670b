import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/logging/logger.js';
import type { StackStatus } from '../../../../src/protocol/control-api.js';
import { type ControlTarget, controlHandler } from '../../../../src/supervisor/control/control-methods.js';
import { LogRing } from '../../../../src/supervisor/control/log-ring.js';

/** A target that records what it was told, one step at a time, and can be put into shutdown. */
function fakeTarget() {
  const steps: string[] = [];
  let stopping = false;
  const target: ControlTarget = {
    serviceNames: ['broker', 'rooms', 'hub'],
    status: (): StackStatus => ({
      pid: 1,
      since: new Date(0).toISOString(),
      uptime_s: 0,
      version: 'test',
      data_dir: '/tmp',
      stopping,
      services: ['broker', 'rooms', 'hub'].map((name) => ({ name, state: 'running', restarts: 0, restarts_total: 0, endpoint: name })),
      figures: {},
    }),
    start: async (services) => void steps.push(`start ${services.join(',')}`),
    stop: async (services) => void steps.push(`stop ${services.join(',')}`),
    restart: async (services) => {
      steps.push(`restart ${services.join(',')} begins`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      steps.push(`restart ${services.join(',')} ends`);
    },
    shutdown: () => {
      stopping = true;
    },
  };
  return { target, steps };
}

function handler() {
  const { target, steps } = fakeTarget();
  const log = new LogRing();
  const logger = createLogger({ service: 'supervisor', level: 'silent', format: 'json' });
  const control = controlHandler({ target, log, version: '9.9.9', logger });
  const call = async (method: string, ...params: unknown[]) => {
    try {
      return await control.call({ method, params }, 'local');
    } catch (error) {
      throw control.toFault(error, method);
    }
  };
  return { call, steps, log };
}

describe('control methods', () => {
  it('takes verbs one at a time, in the order they arrive, and answers with the services acted on', async () => {
    const { call, steps } = handler();
    const [first, second] = await Promise.all([call('restart', 'hub'), call('restart', 'all')]);
    expect(steps).toEqual(['restart hub begins', 'restart hub ends', 'restart broker,rooms,hub begins', 'restart broker,rooms,hub ends']);
    expect((first as { name: string }[]).map((s) => s.name)).toEqual(['hub']);
    expect((second as { name: string }[]).map((s) => s.name)).toEqual(['broker', 'rooms', 'hub']);
  });

  it.each([
    ['an unknown method', ['nope'], -32601],
    ['a missing parameter', ['restart'], -32602],
    ['an extra parameter', ['status', 1], -32602],
    ['a line count out of range', ['log_tail', 10_001], -32602],
    ['an unknown service', ['stop', 'hubb'], 200],
    ['a service that is not a string', ['start', 3], 200],
    ['the log of an unknown source', ['log_tail', 5, 'nobody'], 200],
  ])('refuses %s with fault %d', async (_case, [method, ...params], code) => {
    const { call } = handler();
    await expect(call(method as string, ...params)).rejects.toMatchObject({ code });
  });

  it('refuses verbs once shutdown has begun', async () => {
    const { call } = handler();
    expect(await call('shutdown')).toEqual({ stopping: true, pid: process.pid });
    await expect(call('start', 'hub')).rejects.toMatchObject({ code: 201 });
  });

  it("reads the supervisor's own lines as a log source", async () => {
    const { call, log } = handler();
    log.push('supervisor', '{"service":"supervisor"}');
    log.push('hub', '{"service":"hub"}');
    expect(await call('log_tail', 10, 'supervisor')).toMatchObject({ lines: ['{"service":"supervisor"}'] });
    expect(await call('log_tail', 10, 'all')).toMatchObject({ lines: ['{"service":"supervisor"}', '{"service":"hub"}'] });
  });

  it('describes its methods', async () => {
    const { call } = handler();
    expect(await call('system.listMethods')).toContain('log_follow');
    expect(await call('system.methodHelp', 'restart')).toMatch(/^restart\(service\): /);
    expect(await call('version')).toMatchObject({ version: '9.9.9', protocol: 1 });
  });
});
