import { describe, expect, it } from 'vitest';
import { ClientDeadline } from '../../../src/protocol/client-deadline.js';

const times = { idleTimeoutMs: 1000, pingTimeoutMs: 300 };

describe('a client deadline', () => {
  it('asks for the introduction that did not come in time, however much was said before it', () => {
    const deadline = new ClientDeadline(times, 500, 0);
    deadline.heard(400);
    expect(deadline.due(499)).toBe('none');
    expect(deadline.due(500)).toBe('introduction');
  });

  it('once admitted, pings after the idle time and gives up when the ping time passes unanswered', () => {
    const deadline = new ClientDeadline(times, 500, 0);
    deadline.admit(100);
    expect(deadline.due(1099)).toBe('none');
    expect(deadline.due(1100)).toBe('ping');
    expect(deadline.due(1399)).toBe('none');
    expect(deadline.due(1400)).toBe('silence');
  });

  it('takes any input as the answer to a ping, and times the silence from it', () => {
    const deadline = new ClientDeadline(times, 500, 0);
    deadline.admit(0);
    expect(deadline.due(1000)).toBe('ping');
    deadline.heard(1200);
    expect(deadline.due(1500)).toBe('none');
    expect(deadline.due(2200)).toBe('ping');
  });
});
