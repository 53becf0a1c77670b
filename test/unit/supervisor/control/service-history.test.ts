import { describe, expect, it } from 'vitest';
import { ServiceHistory } from '../../../../src/supervisor/control/service-history.js';

describe('service history', () => {
  it('says how a process ended: by signal, by code, hung, or stopped on request', () => {
    const history = new ServiceHistory(60_000);
    history.transition('hub', 'running', { pid: 1 }, 1000);
    expect(history.of('hub', 2000)).toMatchObject({ runningSince: 1000 });
    history.transition('hub', 'exited', { pid: 1, code: null, signal: 'SIGKILL' }, 3000);
    expect(history.of('hub', 3000).lastExit).toEqual({ at: new Date(3000).toISOString(), signal: 'SIGKILL', reason: 'killed by SIGKILL' });
    expect(history.of('hub', 3000).runningSince).toBeUndefined();

    history.transition('hub', 'unhealthy', { pid: 2, failures: 3 }, 4000);
    history.transition('hub', 'exited', { pid: 2, code: null, signal: 'SIGKILL' }, 4001);
    expect(history.of('hub').lastExit?.reason).toBe('answered no probe for 3 probe intervals (hung); killed by SIGKILL');

    history.transition('hub', 'exited', { pid: 3, code: 1, signal: null }, 5000);
    history.transition('hub', 'fatal', { reason: 'restarted 5 times within 60 s' }, 5000);
    expect(history.of('hub').lastExit).toMatchObject({ code: 1, reason: 'exited with code 1; FATAL: restarted 5 times within 60 s' });

    history.expectStop('hub', 'stopped by thiscord stop');
    history.transition('hub', 'stopped', { pid: 4, code: 0, signal: null }, 6000);
    expect(history.of('hub').lastExit?.reason).toBe('stopped by thiscord stop');
  });

  it('keeps the last exit when a service with no process is stopped', () => {
    const history = new ServiceHistory(60_000);
    history.transition('rooms', 'exited', { pid: 1, code: 2, signal: null }, 1000);
    history.transition('rooms', 'stopped', { code: null, signal: null }, 2000);
    expect(history.of('rooms').lastExit?.reason).toBe('exited with code 2');
  });

  it('counts restarts within the window and in total, and forgets the window on request', () => {
    const history = new ServiceHistory(10_000);
    for (const at of [1000, 2000, 3000]) history.transition('broker', 'backoff', { attempt: 2, delay_ms: 100 }, at);
    expect(history.of('broker', 5000)).toMatchObject({ restarts: 3, restartsTotal: 3 });
    expect(history.of('broker', 12_500)).toMatchObject({ restarts: 1, restartsTotal: 3 });
    history.forgetRestarts('broker');
    expect(history.of('broker', 5000)).toMatchObject({ restarts: 0, restartsTotal: 3 });
  });
});
