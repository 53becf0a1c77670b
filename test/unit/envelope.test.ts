import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../src/events/envelope.js';
import { topicOf } from '../../src/events/topics.js';
import { makeEvent } from '../../src/events/types.js';

const frame = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('event envelope', () => {
  it('decodes the seed wire format into topic and payload JSON', () => {
    const decoded = decodeEnvelope(frame(encodeEnvelope('room/general', { type: 'note', text: 'hi' })));
    expect(decoded).toEqual({ ok: true, topic: 'room/general', payloadJson: '{"type":"note","text":"hi"}' });
  });

  it('publishes a missing payload as null', () => {
    expect(decodeEnvelope(frame('{"topic":"room/x"}'))).toEqual({ ok: true, topic: 'room/x', payloadJson: 'null' });
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
    const event = makeEvent('room.created', 'rooms', { room: 'study', user: 'alice', private: true, unlisted: false, expires_at: null, members: 1 }, new Date(0));
    expect(event).toEqual({ type: 'room.created', ts: '1970-01-01T00:00:00.000Z', source: 'rooms', room: 'study', user: 'alice', private: true, unlisted: false, expires_at: null, members: 1 });
  });

  it('routes each family of events to its topic', () => {
    expect(topicOf(makeEvent('service.healthy', 'supervisor', { service: 'hub', pid: 1, ms: 5 }))).toBe('system/hub');
    expect(topicOf(makeEvent('supervisor.up', 'supervisor', { ms: 5, services: [] }))).toBe('system/supervisor');
    expect(topicOf(makeEvent('user.login', 'hub', { user: 'bob', rooms: [], connections: 1 }))).toBe('user/bob');
    expect(topicOf(makeEvent('room.expired', 'rooms', { room: 'tmp', members: 0 }))).toBe('room/tmp');
    expect(topicOf(makeEvent('health.probe', 'supervisor', { nonce: 'n1' }))).toBe('system/health/n1');
  });
});
