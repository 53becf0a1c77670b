import { describe, expect, it } from 'vitest';
import { missingMessage, planPreparation } from '../setup/prepare-machine.js';
import { TEST_TOOLS, type TestTool } from '../setup/test-tools.js';

const tool = (debian: string): TestTool => ({ debian, why: `is needed by the ${debian} tests`, check: [debian, '--version'] });

describe('preparing the machine for npm test', () => {
  it('does nothing when every tool is present', () => {
    expect(planPreparation({ missing: [], root: false, sudo: false, aptGet: false })).toEqual({ kind: 'ready' });
  });

  it('installs exactly the missing packages as root with apt-get', () => {
    const plan = planPreparation({ missing: [tool('tmux'), tool('irssi')], root: true, sudo: false, aptGet: true });
    expect(plan).toEqual({ kind: 'install', sudo: false, packages: ['tmux', 'irssi'] });
  });

  it('installs through sudo when a non-root user may use it without a password', () => {
    expect(planPreparation({ missing: [tool('tmux')], root: false, sudo: true, aptGet: true })).toEqual({
      kind: 'install',
      sudo: true,
      packages: ['tmux'],
    });
  });

  it('stops with one message naming every missing package and the command when it cannot install', () => {
    const plan = planPreparation({ missing: [tool('tmux'), tool('chromium')], root: false, sudo: false, aptGet: true });
    expect(plan.kind).toBe('stop');
    const message = plan.kind === 'stop' ? plan.message : '';
    expect(message).toContain('sudo apt-get install tmux chromium');
    expect(message).toMatch(/tmux\s+is needed by the tmux tests/);
    expect(message).toMatch(/chromium\s+is needed by the chromium tests/);
  });

  it('says there is no apt-get rather than giving a command that cannot work', () => {
    const plan = planPreparation({ missing: [tool('tmux')], root: true, sudo: false, aptGet: false });
    expect(plan).toEqual({ kind: 'stop', message: missingMessage([tool('tmux')], false) });
    expect(missingMessage([tool('tmux')], false)).toContain('no apt-get');
  });

  it('keeps one entry per Debian package, each with a check command', () => {
    const names = TEST_TOOLS.map((entry) => entry.debian);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['tmux', 'python3-zmq', 'chromium', 'irssi']));
    for (const entry of TEST_TOOLS) expect(entry.check.length).toBeGreaterThan(0);
  });
});
