import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sanitizeForTerminal } from '../../../src/clients/terminal-text.js';
import { ERROR_CODES, encodeFrame, type HubFrame, parseClientFrame, parseHubFrame } from '../../../src/protocol/frames.js';
import { LineSplitter } from '../../../src/protocol/line-splitter.js';

describe('client frame parsing', () => {
  it.each([
    ['{"type":"hello","ticket":"t"}', { type: 'hello', ticket: 't' }],
    ['{"type":"join","ticket":"t"}', { type: 'join', ticket: 't' }],
    ['{"type":"say","room":"r","text":"hi","id":"a1"}', { type: 'say', room: 'r', text: 'hi', id: 'a1' }],
    ['{"type":"say","room":"r","text":""}', { type: 'say', room: 'r', text: '' }],
    ['{"type":"leave","room":"r"}', { type: 'leave', room: 'r' }],
    ['{"type":"who","room":"r"}', { type: 'who', room: 'r' }],
    ['{"type":"ping","id":7}', { type: 'ping', id: 7 }],
    ['{"type":"pong"}', { type: 'pong' }],
    ['{"type":"quit"}', { type: 'quit' }],
  ])('accepts %s', (line, frame) => {
    expect(parseClientFrame(line)).toEqual({ ok: true, frame });
  });

  it.each([
    ['not json', 'bad_json'],
    ['[]', 'bad_json'],
    ['null', 'bad_json'],
    ['{"type":"dance"}', 'unknown_type'],
    ['{"no":"type"}', 'unknown_type'],
    ['{"type":"hello"}', 'bad_field'],
    ['{"type":"say","room":"r"}', 'bad_field'],
    ['{"type":"say","text":"x"}', 'bad_field'],
    ['{"type":"say","room":"r","text":5}', 'bad_field'],
    ['{"type":"leave","room":""}', 'bad_field'],
    ['{"type":"ping","id":{"a":1}}', 'bad_field'],
  ])('refuses %s with %s', (line, code) => {
    const parsed = parseClientFrame(line);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.code).toBe(code);
  });

  it('echoes a valid id as ref on errors, so the client can tell which frame failed', () => {
    expect(parseClientFrame('{"type":"say","room":"r","id":"m9"}')).toMatchObject({ ok: false, code: 'bad_field', ref: 'm9' });
  });

  it('never throws and always answers with a known code, whatever the bytes (random property)', () => {
    for (let i = 0; i < 2000; i++) {
      const line = randomBytes(1 + (i % 64)).toString('latin1');
      const parsed = parseClientFrame(line);
      if (!parsed.ok) expect(ERROR_CODES).toContain(parsed.code);
    }
  });

  it('round-trips random valid frames and classifies random corruptions (random property)', () => {
    const alphabet = 'ab€ 😀"\\\n\t{}';
    const randomText = (): string =>
      Array.from({ length: Math.floor(Math.random() * 20) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    for (let i = 0; i < 1000; i++) {
      const frame = { type: 'say' as const, room: `r${i}`, text: randomText(), id: `id${i}` };
      const line = encodeFrame(frame);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(parseClientFrame(line.slice(0, -1))).toEqual({ ok: true, frame });
      const cut = line.slice(0, Math.floor(Math.random() * (line.length - 2)));
      const corrupted = parseClientFrame(cut);
      expect(corrupted.ok).toBe(false);
    }
  });
});

/** One frame of every type the hub sends; a type missing here does not compile. */
const HUB_EXAMPLES: { [T in HubFrame['type']]: Extract<HubFrame, { type: T }> } = {
  welcome: { type: 'welcome', user: 'alice', rooms: ['study'], server: 'thiscord-hub/0.1' },
  ack: { type: 'ack', id: null, room: 'study', seq: 8, ts: '2026-11-24T09:30:01.000Z' },
  message: { type: 'message', room: 'study', from: 'bob', text: 'hi', seq: 9, ts: '2026-11-24T09:30:02.000Z' },
  presence: { type: 'presence', room: 'study', user: 'carol', event: 'kicked' },
  presence_summary: { type: 'presence_summary', room: 'town-square', joined: 37, left: 2, members: 4210 },
  history: { type: 'history', room: 'study', messages: [{ from: 'bob', text: 'hi', seq: 7, ts: '2026-11-24T09:30:00.000Z' }] },
  who: { type: 'who', room: 'study', users: ['alice', 'bob'] },
  ping: { type: 'ping', id: 'idle' },
  pong: { type: 'pong' },
  error: { type: 'error', code: 'rate_limited', message: 'slow down', ref: 'm9' },
  bye: { type: 'bye', reason: 'server_shutdown' },
};

describe('hub frame parsing (the client side)', () => {
  it.each(Object.values(HUB_EXAMPLES))('accepts $type as the hub sends it', (frame) => {
    expect(parseHubFrame(encodeFrame(frame).trimEnd())).toEqual(frame);
  });

  it.each(Object.values(HUB_EXAMPLES))('refuses $type with a field missing or of the wrong type', (frame) => {
    for (const key of Object.keys(frame).filter((k) => k !== 'type')) {
      const wrong = JSON.stringify({ ...frame, [key]: { nested: true } });
      expect(parseHubFrame(wrong), `${frame.type}.${key} of the wrong type`).toBeUndefined();
      const { [key]: _gone, ...missing } = frame as Record<string, unknown>;
      // Only optional fields (pong's id, error's ref) may be left out.
      if (!(frame.type === 'error' && key === 'ref'))
        expect(parseHubFrame(JSON.stringify(missing)), `${frame.type} without ${key}`).toBeUndefined();
    }
  });

  it('refuses unknown types, inherited names, an unknown error code or presence event, and non-JSON', () => {
    for (const line of [
      '{"type":"evil"}',
      '{"type":"constructor"}',
      '{"type":"__proto__"}',
      '{"type":"error","code":"made_up","message":"x"}',
      '{"type":"presence","room":"r","user":"u","event":"dance"}',
      '{"type":"ack","id":{"a":1},"room":"r","seq":1,"ts":"t"}',
      'garbage',
      'null',
    ])
      expect(parseHubFrame(line), line).toBeUndefined();
  });
});

describe('line splitting', () => {
  it('splits lines across chunk boundaries and strips \\r', () => {
    const splitter = new LineSplitter(100);
    const lines: string[] = [];
    for (const chunk of ['{"a"', ':1}\r\n{"b":2}\n{"c"', ':3}\n']) splitter.push(Buffer.from(chunk), (line) => lines.push(line.toString()));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('reports a line over the limit, complete or not', () => {
    expect(new LineSplitter(10).push(Buffer.from(`${'x'.repeat(11)}\n`), () => undefined)).toBe(false);
    const splitter = new LineSplitter(10);
    expect(splitter.push(Buffer.from('x'.repeat(6)), () => undefined)).toBe(true);
    expect(splitter.push(Buffer.from('x'.repeat(6)), () => undefined)).toBe(false);
  });

  it('yields exactly the lines of any random chunking (random property)', () => {
    for (let round = 0; round < 200; round++) {
      const lines = Array.from({ length: 1 + (round % 7) }, (_, i) => `line-${round}-${i}-${'z'.repeat(round % 13)}`);
      const data = Buffer.from(lines.map((l) => `${l}\n`).join(''));
      const splitter = new LineSplitter(1000);
      const out: string[] = [];
      for (let at = 0; at < data.length; ) {
        const size = 1 + Math.floor(Math.random() * 9);
        splitter.push(data.subarray(at, at + size), (line) => out.push(line.toString()));
        at += size;
      }
      expect(out).toEqual(lines);
    }
  });
});

describe('terminal text', () => {
  it('removes escape sequences and control characters that could act on the terminal', () => {
    expect(sanitizeForTerminal('a\u001b[2Jb\u001b]0;title\u0007c\u001b[31mred\u001b[0m\u0008\u0007\r\nd\u009b1;1H')).toBe('abcredd');
    expect(sanitizeForTerminal('tab\there ünïcødé ✓')).toBe('tab here ünïcødé ✓');
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
    for (const control of bidi)
      expect(sanitizeForTerminal(`pay ${control}txt.exe`), control.codePointAt(0)!.toString(16)).toBe('pay txt.exe');
    expect(sanitizeForTerminal('שלום and عربي')).toBe('שלום and عربي');
  });
});
