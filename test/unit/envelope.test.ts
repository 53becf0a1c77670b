import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/events/envelope.js';
import { topicOf } from '../../src/events/topics.js';
import { makeEvent } from '../../src/events/types.js';

const frame = (text: string): Buffer => Buffer.from(text, 'utf8');
const asText = (part: Uint8Array | string): string => (typeof part === 'string' ? part : Buffer.from(part).toString('utf8'));

/** What the broker would publish for a frame: [topic, payload JSON] as text. */
function published(text: string): [string, string] | string {
  const decoded = decodeEnvelope(frame(text));
  return decoded.ok ? [asText(decoded.topicFrame), asText(decoded.payloadFrame)] : decoded.reason;
}

describe('event envelope', () => {
  it('decodes the seed wire format into topic and payload JSON', () => {
    expect(published(encodeEnvelope('room/general', { type: 'note', text: 'hi' }))).toEqual([
      'room/general',
      '{"type":"note","text":"hi"}',
    ]);
  });

  it('publishes a missing payload as null', () => {
    expect(published('{"topic":"room/x"}')).toEqual(['room/x', 'null']);
  });

  it.each([
    ['nested payloads with brackets inside strings', '{"topic":"room/a","payload":{"t":"}]\\"{","n":[1,{"x":[]}]}}'],
    ['escaped topics', '{"topic":"room\\/a\\u00e9","payload":1}'],
    ['non-ASCII text', '{"topic":"room/é","payload":"naïve ☃"}'],
    ['primitive payloads', '{"topic":"room/a","payload":-1.5e3}'],
    ['string payloads', '{"topic":"room/a","payload":"a,b}"}'],
    ['whitespace between tokens', '{ "topic" : "room/a" , "payload" : [ 1 , 2 ] }'],
    ['whitespace before the closing brace', '{"topic":"room/a","payload":{"a":1}  }'],
    ['keys in the other order', '{"payload":{"a":1},"topic":"room/a"}'],
    ['extra keys after the payload', '{"topic":"room/a","payload":{"a":1},"extra":true}'],
    ['a duplicate payload key', '{"topic":"room/a","payload":1,"payload":{"b":2}}'],
    ['a duplicate topic key', '{"topic":"room/a","topic":"room/b","payload":3}'],
  ])('publishes exactly the parsed topic and payload for %s', (_name, text) => {
    const parsed = JSON.parse(text) as { topic: string; payload: unknown };
    const result = published(text);
    expect(result).toEqual([parsed.topic, expect.any(String)]);
    expect(JSON.parse((result as [string, string])[1])).toEqual(parsed.payload);
  });

  it.each([
    ['invalid JSON', 'not json', 'bad_json'],
    ['a JSON array', '[1,2]', 'bad_json'],
    ['a JSON string', '"room/x"', 'bad_json'],
    ['no topic', '{"payload":1}', 'no_topic'],
    ['an empty topic', '{"topic":"","payload":1}', 'no_topic'],
    ['a numeric topic', '{"topic":5,"payload":1}', 'no_topic'],
  ])('drops %s', (_name, text, reason) => {
    expect(decodeEnvelope(frame(text))).toEqual({ ok: false, reason });
  });

  it('drops binary frames that are not UTF-8', () => {
    expect(decodeEnvelope(Buffer.from([0xff, 0xfe, 0x7b, 0x00]))).toEqual({ ok: false, reason: 'bad_utf8' });
  });

  it('drops frames over the size limit before parsing them', () => {
    const big = encodeEnvelope('room/x', 'a'.repeat(2000));
    expect(decodeEnvelope(frame(big), 1000)).toEqual({ ok: false, reason: 'too_large' });
    expect(decodeEnvelope(frame(big), 4000).ok).toBe(true);
  });
});

describe('event types and topics', () => {
  it('stamps type, ISO time and source on every event', () => {
    const event = makeEvent(
      'room.created',
      'rooms',
      { room: 'study', instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', user: 'alice', private: true, unlisted: false, expires_at: null, members: 1 },
      new Date(0),
    );
    expect(event).toEqual({
      type: 'room.created',
      ts: '1970-01-01T00:00:00.000Z',
      source: 'rooms',
      room: 'study',
      instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA',
      user: 'alice',
      private: true,
      unlisted: false,
      expires_at: null,
      members: 1,
    });
  });

  it('routes each family of events to its topic', () => {
    expect(topicOf(makeEvent('service.running', 'supervisor', { service: 'hub', pid: 1, ms: 5 }))).toBe('system/hub');
    expect(topicOf(makeEvent('supervisor.up', 'supervisor', { ms: 5, services: [] }))).toBe('system/supervisor');
    expect(topicOf(makeEvent('user.login', 'hub', { user: 'bob', rooms: [], connections: 1 }))).toBe('user/bob');
    expect(topicOf(makeEvent('room.expired', 'rooms', { instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', room: 'tmp', members: 0 }))).toBe(
      'room/tmp',
    );
    expect(topicOf(makeEvent('health.probe', 'supervisor', { nonce: 'n1' }))).toBe('system/health/n1');
  });
});
