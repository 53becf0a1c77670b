import { describe, expect, it } from 'vitest';
import { topicOf } from '../../../src/events/topics.js';
import { EVENT_TYPES, type EventFields, type EventType, makeEvent, parseEvent } from '../../../src/events/types.js';

/** One well-formed example of every event type; a type missing here does not compile. */
const EXAMPLES: { [T in EventType]: EventFields[T] } = {
  'service.starting': { service: 'hub', attempt: 1, pid: 42 },
  'service.running': { service: 'hub', pid: 42, ms: 61 },
  'service.exited': { service: 'hub', pid: 42, code: null, signal: 'SIGKILL' },
  'service.unhealthy': { service: 'hub', pid: 42, failures: 3 },
  'service.backoff': { service: 'hub', attempt: 2, delay_ms: 200 },
  'service.fatal': { service: 'hub', restarts: 5, window_ms: 60_000, reason: 'exited too often' },
  'service.stopping': { service: 'hub', pid: 42 },
  'service.stopped': { service: 'hub', code: 0, signal: null },
  'supervisor.up': { ms: 480, services: ['broker', 'rooms', 'hub'] },
  'supervisor.stopping': { reason: 'SIGINT' },
  'supervisor.stopped': { ms: 120, fatal: [] },
  'broker.stats': {
    received: 10,
    published: 9,
    dropped: 1,
    dropped_by_reason: { bad_json: 1, bad_utf8: 0, no_topic: 0, too_large: 0, bad_frames: 0 },
    refused_connections: 0,
    publishers: 2,
    subscribers: 1,
    interval_ms: 10_000,
  },
  'health.probe': { nonce: 'n1' },
  'user.login': { user: 'alice', rooms: ['study'], connections: 1 },
  'user.logout': { user: 'alice', rooms: ['study'], duration_ms: 5000, connections: 0 },
  'room.created': {
    room: 'study',
    instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA',
    user: 'alice',
    private: true,
    unlisted: false,
    expires_at: '2026-11-24T10:30:30.000Z',
    members: 1,
  },
  'room.joined': { room: 'study', instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', user: 'bob', members: 2, issued_at: 1_700_000_000_000 },
  'room.left': { room: 'study', instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', user: 'bob', members: 1 },
  'room.kicked': {
    room: 'study',
    instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA',
    user: 'bob',
    by: 'alice',
    members: 1,
    revoked_before: 1_700_000_000_001,
  },
  'room.deleted': { room: 'study', instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', user: 'alice' },
  'room.expired': { room: 'study', instance: 'mi0kz9c0.AAAAAAAAAAAAAAAA', members: 0 },
  note: { text: 'maintenance at noon' },
};

/** An example event of `type` with the topic it is published on. */
function published(type: EventType): { topic: string; payload: Record<string, unknown> } {
  const event = makeEvent(type, 'cli', EXAMPLES[type]);
  const topic = type === 'note' ? 'system/notes' : topicOf(makeEvent(type, 'cli', EXAMPLES[type]));
  return { topic, payload: JSON.parse(JSON.stringify(event)) as Record<string, unknown> };
}

describe('parsing received events', () => {
  it.each(EVENT_TYPES)('accepts a well-formed %s on its topic', (type) => {
    const received = published(type);
    expect(parseEvent(received)).toEqual({ ok: true, event: received.payload });
  });

  it.each(EVENT_TYPES)('refuses %s with any one of its fields missing or of the wrong type', (type) => {
    const { topic, payload } = published(type);
    for (const key of Object.keys(EXAMPLES[type])) {
      const { [key]: _gone, ...missing } = payload;
      expect(parseEvent({ topic, payload: missing }), `${type} without ${key}`).toEqual({ ok: false, reason: 'bad_fields' });
      expect(parseEvent({ topic, payload: { ...payload, [key]: { nested: true } } }), `${type} with a wrong ${key}`).toMatchObject({
        ok: false,
      });
    }
  });

  it('refuses what is not an event at all: no object, no instant, no source', () => {
    const { topic, payload } = published('room.deleted');
    for (const bad of [null, 'room.deleted', [payload], { ...payload, ts: 'yesterday' }, { ...payload, source: 7 }]) {
      expect(parseEvent({ topic, payload: bad })).toEqual({ ok: false, reason: 'not_an_event' });
    }
    const { ts: _ts, ...undated } = payload;
    expect(parseEvent({ topic, payload: undated })).toEqual({ ok: false, reason: 'not_an_event' });
  });

  it('refuses a type it does not know, including names inherited from Object', () => {
    const { topic, payload } = published('room.deleted');
    for (const type of ['room.demolished', 'constructor', '__proto__', 'toString']) {
      expect(parseEvent({ topic, payload: { ...payload, type } })).toEqual({ ok: false, reason: 'unknown_type' });
    }
  });

  it('refuses an event that arrives on another topic than its fields route it to; a note may travel anywhere', () => {
    expect(parseEvent({ ...published('room.deleted'), topic: 'room/elsewhere' })).toEqual({ ok: false, reason: 'wrong_topic' });
    expect(parseEvent({ ...published('service.exited'), topic: 'system/rooms' })).toEqual({ ok: false, reason: 'wrong_topic' });
    expect(parseEvent({ ...published('note'), topic: 'room/anything' }).ok).toBe(true);
  });

  it('accepts fields it does not know, so a newer producer does not silence older consumers', () => {
    const { topic, payload } = published('room.kicked');
    expect(parseEvent({ topic, payload: { ...payload, sig: 'abc', added_later: { any: 'thing' } } }).ok).toBe(true);
  });

  it('checks counts as whole numbers from zero, and instants as ISO 8601', () => {
    const { topic, payload } = published('room.kicked');
    for (const revoked_before of [-1, 1.5, '5', Number.MAX_SAFE_INTEGER + 2]) {
      expect(parseEvent({ topic, payload: { ...payload, revoked_before } })).toEqual({ ok: false, reason: 'bad_fields' });
    }
    const created = published('room.created');
    expect(parseEvent({ ...created, payload: { ...created.payload, expires_at: 'soon' } })).toEqual({ ok: false, reason: 'bad_fields' });
    expect(parseEvent({ ...created, payload: { ...created.payload, expires_at: null } }).ok).toBe(true);
  });
});
