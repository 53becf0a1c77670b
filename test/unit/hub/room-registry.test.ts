import { describe, expect, it } from 'vitest';
import { type Member, RoomRegistry } from '../../../services/hub/room-registry.js';

const member = (user: string): Member & { got: Buffer[] } => {
  const got: Buffer[] = [];
  return { user, got, deliver: (frame) => void got.push(frame) };
};

describe('room registry', () => {
  it('forgets an empty room without history at once', () => {
    const registry = new RoomRegistry<Member>(50);
    const alice = member('alice');
    registry.leave(registry.join('quiet', 'i1', alice), alice);
    expect(registry.get('quiet')).toBeUndefined();
  });

  it('keeps an empty room with history for the next member, case-insensitively', () => {
    const registry = new RoomRegistry<Member>(50);
    const alice = member('alice');
    const room = registry.join('Study', 'i1', alice);
    registry.record(room, { from: 'alice', text: 'hi', seq: ++room.seq, ts: 't' });
    registry.leave(room, alice);
    expect(registry.join('study', 'i1', member('bob')).history.map((m) => m.text)).toEqual(['hi']);
  });

  it('remembers at most maxIdleRooms empty rooms, forgetting the longest idle first', () => {
    const registry = new RoomRegistry<Member>(50, 2);
    for (const name of ['a', 'b', 'c']) {
      const someone = member('x');
      const room = registry.join(name, 'i1', someone);
      registry.record(room, { from: 'x', text: name, seq: ++room.seq, ts: 't' });
      registry.leave(room, someone);
    }
    expect(registry.get('a')).toBeUndefined();
    expect(registry.get('b')?.history).toHaveLength(1);
    expect(registry.get('c')?.history).toHaveLength(1);
  });

  it('keeps only the last historySize messages, and none with history off', () => {
    const registry = new RoomRegistry<Member>(2);
    const room = registry.join('r', 'i1', member('x'));
    for (let i = 1; i <= 3; i++) registry.record(room, { from: 'x', text: `m${i}`, seq: i, ts: 't' });
    expect(room.history.map((m) => m.text)).toEqual(['m2', 'm3']);
    const off = new RoomRegistry<Member>(0);
    const quiet = off.join('r', 'i1', member('x'));
    off.record(quiet, { from: 'x', text: 'm', seq: 1, ts: 't' });
    expect(quiet.history).toEqual([]);
  });

  it('encodes once and delivers to every member but the sender', () => {
    const registry = new RoomRegistry<Member>(0);
    const [a, b, c] = [member('a'), member('b'), member('c')];
    const room = registry.join('r', 'i1', a);
    registry.join('r', 'i1', b);
    registry.join('r', 'i1', c);
    const frame = Buffer.from('x\n');
    registry.broadcast(room, frame, a);
    expect(a.got).toEqual([]);
    expect(b.got[0]).toBe(frame);
    expect(c.got[0]).toBe(frame);
  });
});
