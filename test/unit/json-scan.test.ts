import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../src/events/envelope.js';
import { scanValue, skipSpace } from '../../src/events/json-scan.js';

/** What JSON.parse says: the reference the scanner must agree with. */
function validJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function scanAccepts(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  const start = skipSpace(bytes, 0);
  const end = scanValue(bytes, start);
  return end >= 0 && skipSpace(bytes, end) === bytes.length;
}

const SAMPLES = [
  '{}',
  '[]',
  '""',
  '0',
  '-0',
  '1.5e-3',
  '-12.25E+10',
  'true',
  'false',
  'null',
  ' { "a" : [ 1 , 2 , { "b" : null } ] } ',
  '"\\u00e9\\n\\t\\"\\\\\\/"',
  '"naïve ☃ 😀"',
  '{"topic":"room/a","payload":{"x":[1,2,3],"y":"z"}}',
  '[[[[[]]]]]',
  '01',
  '1.',
  '.5',
  '1e',
  '+1',
  '-',
  '--1',
  '0x10',
  'NaN',
  'Infinity',
  'tru',
  'nul',
  'True',
  '"\\x41"',
  '"\\u12G4"',
  '"a\nb"',
  '{"a":1,}',
  '[1,]',
  '{"a" 1}',
  '{a:1}',
  "{'a':1}",
  '[1 2]',
  '{"a":1}}',
  '"unterminated',
  '{"a":[}',
  '\ufeff{}',
  '1 2',
  '{"a":1} x',
  '[',
  ']',
  '{',
  ',',
  ':',
];

describe('JSON scanner', () => {
  it.each(SAMPLES)('agrees with JSON.parse on %j', (text) => {
    expect(scanAccepts(text)).toBe(validJson(text));
  });

  it('agrees with JSON.parse on 20,000 random mutations of valid documents (random property)', () => {
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      ' ',
      '\\',
      'u',
      '0',
      '1',
      '9',
      '-',
      '+',
      '.',
      'e',
      'E',
      't',
      'n',
      'a',
      '\n',
      '\t',
      'é',
      '\u0001',
    ];
    for (let i = 0; i < 20_000; i++) {
      const base = SAMPLES[i % 12]!;
      let text = base;
      const edits = 1 + (i % 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(Math.random() * (text.length + 1));
        const char = alphabet[Math.floor(Math.random() * alphabet.length)]!;
        const kind = Math.random();
        text =
          kind < 0.4
            ? text.slice(0, at) + char + text.slice(at)
            : kind < 0.7
              ? text.slice(0, at) + text.slice(at + 1)
              : text.slice(0, at) + char + text.slice(at + 1);
      }
      if (scanAccepts(text) !== validJson(text)) throw new Error(`scanner and JSON.parse disagree on ${JSON.stringify(text)}`);
    }
  });
});

describe('envelope decoding against a JSON.parse reference (random property)', () => {
  function reference(text: string): [string, unknown] | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'bad_json';
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'bad_json';
    const { topic, payload } = parsed as { topic?: unknown; payload?: unknown };
    if (typeof topic !== 'string' || topic === '') return 'no_topic';
    return [topic, payload ?? null];
  }

  function decoded(text: string): [string, unknown] | string {
    const result = decodeEnvelope(Buffer.from(text, 'utf8'));
    if (!result.ok) return result.reason;
    const asText = (part: Uint8Array | string): string => (typeof part === 'string' ? part : Buffer.from(part).toString('utf8'));
    expect(asText(result.topicFrame)).toBe(result.topic);
    return [result.topic, JSON.parse(asText(result.payloadFrame))];
  }

  it('gives the same topic and payload, or the same drop reason, as JSON.parse would', () => {
    const envelopes = [
      '{"topic":"room/a","payload":{"n":1,"s":"x"}}',
      '{ "payload" : [1,2] , "topic" : "user/b" }',
      '{"topic":"t","payload":1,"payload":2}',
      '{"topic":"a","topic":"b"}',
      '{"to\\u0070ic":"x","payload":3}',
      '{"topic":"r\\/x","payload":"é"}',
      '{"topic":"","payload":1}',
      '{"payload":1}',
      '{"topic":5}',
      '{"topic":"ok","payload":{"payload":{"topic":"no"}}}',
      '{"topic":"ok","extra":[{}],"payload":null}',
    ];
    const alphabet = ['{', '}', '"', ':', ',', ' ', '\\', 'p', 't', '1', '[', ']'];
    for (let i = 0; i < 20_000; i++) {
      let text = envelopes[i % envelopes.length]!;
      if (i >= envelopes.length) {
        const at = Math.floor(Math.random() * (text.length + 1));
        const char = alphabet[Math.floor(Math.random() * alphabet.length)]!;
        text = Math.random() < 0.5 ? text.slice(0, at) + char + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
      }
      expect(decoded(text), text).toEqual(reference(text));
    }
  });
});

describe('envelope decoding of arbitrary bytes', () => {
  it('never throws, whatever arrives (random property)', async () => {
    const { randomBytes } = await import('node:crypto');
    for (let i = 0; i < 5000; i++) {
      const junk =
        i % 2
          ? randomBytes(1 + (i % 200))
          : Buffer.from(`{"topic":"x","payload":${randomBytes(1 + (i % 50)).toString('latin1')}}`, 'latin1');
      expect(() => decodeEnvelope(junk)).not.toThrow();
    }
  });
});
