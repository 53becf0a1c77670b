import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatPretty, wantsColour } from '../../../src/logging/pretty.js';
import { logColours } from '../../../src/stack/registry.js';
import { LogSink } from '../../../src/supervisor/log-sink.js';

function sinkInto(format: 'json' | 'pretty'): { sink: LogSink; lines: () => string[] } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { sink: new LogSink(format, out, false), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

// A fixed local time, so the clock column is known whatever the machine's time zone.
const time = new Date(2026, 10, 24, 9, 5, 7, 42).getTime();
const plain = { colour: false, colours: logColours() };
const coloured = { colour: true, colours: logColours() };

describe('formatPretty', () => {
  it('prints HH:MM:SS.mmm service | LEVEL message key=value', () => {
    const line = formatPretty(
      { level: 30, time, pid: 1, hostname: 'h', service: 'hub', msg: 'hub healthy', event: 'service.running', ms: 61 },
      plain,
    );
    expect(line).toBe('09:05:07.042 hub        | INFO  hub healthy event=service.running ms=61');
  });

  it('quotes values with spaces and prints objects as JSON', () => {
    const line = formatPretty({ level: 50, time, service: 'rooms', msg: 'x', reason: 'port in use', ports: { hub: 1 } }, plain);
    expect(line).toBe('09:05:07.042 rooms      | ERROR x reason="port in use" ports={"hub":1}');
  });

  it('paints the service in its own colour only when asked to', () => {
    const record = { level: 30, time, service: 'broker', msg: 'ready' };
    expect(formatPretty(record, coloured)).toContain('\u001b[36mbroker');
    expect(formatPretty({ ...record, service: 'hub' }, coloured)).toContain('\u001b[32mhub');
    expect(formatPretty({ ...record, service: 'nobody' }, coloured)).toContain(' nobody ');
    expect(formatPretty(record, plain)).not.toContain('\u001b[');
  });
});

describe('LogSink', () => {
  it('passes a service JSON record through unchanged in json mode', () => {
    const { sink, lines } = sinkInto('json');
    const record = '{"level":30,"time":1,"service":"hub","msg":"listening","ready":true}';
    sink.service('hub', record, 'stdout');
    expect(lines()).toEqual([record]);
  });

  it('tags a JSON record without a service field with the service that printed it', () => {
    const { sink, lines } = sinkInto('json');
    sink.service('rooms', '{"level":40,"msg":"slow"}', 'stdout');
    expect(JSON.parse(lines()[0]!)).toEqual({ level: 40, msg: 'slow', service: 'rooms' });
  });

  it('keeps a line that is not JSON (a stack trace) as an error record of that service', () => {
    const { sink, lines } = sinkInto('json');
    sink.service('hub', 'TypeError: x is undefined', 'stderr');
    expect(JSON.parse(lines()[0]!)).toMatchObject({ level: 50, service: 'hub', stream: 'stderr', msg: 'TypeError: x is undefined' });
  });

  it('keeps JSON that is not an object as text, not as a record', () => {
    const { sink, lines } = sinkInto('json');
    sink.service('hub', '[1,2]', 'stdout');
    expect(JSON.parse(lines()[0]!)).toMatchObject({ level: 50, msg: '[1,2]' });
  });

  it('prints one pretty line per record, and the banner text only in pretty mode', () => {
    const pretty = sinkInto('pretty');
    pretty.sink.service('hub', JSON.stringify({ level: 30, time, service: 'hub', msg: 'a' }), 'stdout');
    pretty.sink.text('banner');
    expect(pretty.lines()).toEqual(['09:05:07.042 hub        | INFO  a', 'banner']);
    const json = sinkInto('json');
    json.sink.text('banner');
    expect(json.lines()).toEqual([]);
  });
});

describe('wantsColour', () => {
  const tty = Object.assign(new PassThrough(), { isTTY: true });
  const pipe = new PassThrough();

  it('colours a terminal and not a pipe', () => {
    expect(wantsColour(tty, {})).toBe(true);
    expect(wantsColour(pipe, {})).toBe(false);
  });

  it('colours a pipe when FORCE_COLOR asks, and nothing when NO_COLOR is set', () => {
    expect(wantsColour(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColour(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColour(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });
});
