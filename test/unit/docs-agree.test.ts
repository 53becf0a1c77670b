import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../services/irc/commands/index.js';
import { NUMERICS } from '../../services/irc/numerics.js';
import { SECURITY_HEADERS } from '../../services/web/security-headers.js';
import { webService } from '../../services/web/service.js';
import { DROP_REASONS, EVENT_REJECTIONS, EVENT_TYPES } from '../../src/events/types.js';
import { CONTROL_FAULTS, CONTROL_METHODS } from '../../src/protocol/control-api.js';
import { ERROR_CODES, HUB_FRAME_TYPES } from '../../src/protocol/frames.js';
import { ROOMS_METHODS } from '../../src/protocol/rooms-api.js';
import { CHILD_STATES, type ChildState, stateEvent } from '../../src/supervisor/child-state.js';
import { StackMetrics } from '../../src/supervisor/control/metrics.js';
import { ROOT } from '../helpers/processes.js';

const doc = (name: string): string => readFileSync(path.join(ROOT, 'docs', name), 'utf8');

/** The body rows (cells trimmed) of the Markdown table in `markdown` whose first header is `firstHeader`. */
function tableRows(markdown: string, firstHeader: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.split('|')[1]?.trim() === firstHeader);
  if (start < 0) throw new Error(`no table headed "${firstHeader}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe('docs agree with the code', () => {
  it('docs/events.md documents every event type and drop reason', () => {
    const events = doc('events.md');
    for (const type of EVENT_TYPES) expect(events, type).toContain(`\`${type}\``);
    for (const reason of DROP_REASONS) expect(events, reason).toContain(`\`${reason}\``);
    for (const reason of EVENT_REJECTIONS) expect(events, reason).toContain(`| \`${reason}\``);
  });

  it('docs/rooms-rpc.md documents every method of the rooms API', () => {
    const rpc = doc('rooms-rpc.md');
    for (const method of ROOMS_METHODS) expect(rpc, method).toContain(`\`${method}(`);
  });

  it('docs/protocol.md documents every hub frame type', () => {
    const protocol = doc('protocol.md');
    for (const type of HUB_FRAME_TYPES) expect(protocol, type).toContain(`{"type":"${type}"`);
  });

  it('docs/protocol.md documents every hub error code', () => {
    const protocol = doc('protocol.md');
    for (const code of ERROR_CODES) expect(protocol, code).toContain(`\`${code}\``);
  });

  it('docs/irc.md documents every IRC command and every numeric the gateway sends', () => {
    const irc = doc('irc.md');
    for (const command of Object.keys(COMMANDS)) expect(irc, command).toContain(`\`${command}`);
    for (const [name, code] of Object.entries(NUMERICS)) {
      expect(irc, name).toContain(name);
      expect(irc, code).toContain(`\`${code}\``);
    }
  });

  it('docs/supervisor.md gives every child state, and only those, a row with a known event', () => {
    const rows = tableRows(doc('supervisor.md'), 'transition to');
    expect(rows.map(([state]) => state).sort()).toEqual([...CHILD_STATES].sort());
    for (const [state, event] of rows) {
      expect(EVENT_TYPES, `${state}: ${event}`).toContain(event?.replace(/`/g, ''));
      expect(event?.replace(/`/g, ''), state).toBe(stateEvent(state as ChildState));
    }
  });

  it('docs/control.md documents every control method, fault code and metric', () => {
    const control = doc('control.md');
    for (const method of Object.keys(CONTROL_METHODS)) expect(control, method).toContain(`| \`${method}\` |`);
    for (const [name, code] of Object.entries(CONTROL_FAULTS)) expect(control, name).toContain(`| ${code} | \`${name}\` |`);
    const metrics = new StackMetrics(() => {
      throw new Error('not scraped here');
    });
    const ours = metrics.registry.getMetricsAsArray().filter((metric) => !metric.name.startsWith('thiscord_supervisor_'));
    expect(ours.length).toBeGreaterThan(0);
    for (const metric of ours) expect(control, metric.name).toContain(`| \`${metric.name}\` | ${metric.type}`);
  });

  it('docs/web.md lists every web service flag and security header', () => {
    const web = doc('web.md');
    for (const flag of Object.keys(webService.options)) expect(web, flag).toContain(`\`--${flag}\``);
    for (const header of Object.keys(SECURITY_HEADERS)) expect(web, header).toContain(`\`${header}\``);
    expect(web).toContain(SECURITY_HEADERS['Content-Security-Policy']);
  });
});
