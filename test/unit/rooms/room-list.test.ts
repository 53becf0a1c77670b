import { describe, expect, it } from 'vitest';
import { RoomDirectory } from '../../../services/rooms/room-directory.js';
import { RoomList } from '../../../services/rooms/room-list.js';
import { storedRoom } from '../../helpers/stored-room.js';

describe('the cached room list', () => {
  it('hands out the same answer until the directory changes', () => {
    const directory = RoomDirectory.from(undefined, [
      { op: 'create', room: storedRoom('b') },
      { op: 'create', room: storedRoom('a') },
    ]);
    const list = new RoomList(directory);
    const first = list.list(1000);
    expect(first.map((r) => r.name)).toEqual(['a', 'b']);
    expect(list.list(2000)).toBe(first);
    directory.apply({ op: 'create', room: storedRoom('c') });
    list.invalidate();
    expect(list.list(3000).map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('is rebuilt once the first listed room in it expires, and leaves out unlisted and expired rooms', () => {
    const directory = RoomDirectory.from(undefined, [
      { op: 'create', room: storedRoom('brief', { expiresAt: 5000 }) },
      { op: 'create', room: storedRoom('hidden', { unlisted: true }) },
      { op: 'create', room: storedRoom('lasting') },
    ]);
    const list = new RoomList(directory);
    const before = list.list(1000);
    expect(before.map((r) => r.name)).toEqual(['brief', 'lasting']);
    expect(list.list(4999)).toBe(before);
    expect(list.list(5000).map((r) => r.name)).toEqual(['lasting']);
  });
});

describe('the room list', () => {
  it('lists 200,000 rooms without overflowing the stack, and stays valid until the first of them expires', () => {
    const now = Date.now();
    const state = Object.fromEntries(
      Array.from({ length: 200_000 }, (_, i) => {
        const name = `room-${i}`;
        const room = {
          name,
          owner: 'alice',
          ownerKeyHash: 'x',
          topic: '',
          unlisted: false,
          passphrase: null,
          createdAt: now,
          expiresAt: i === 7 ? now + 60_000 : now + 3_600_000,
          members: {},
          revoked: {},
        };
        return [name, room];
      }),
    );
    const list = new RoomList(RoomDirectory.from(state as never, []));
    const first = list.list(now);
    expect(first).toHaveLength(200_000);
    expect(list.list(now + 59_999)).toBe(first);
    expect(list.list(now + 60_000)).not.toBe(first);
  });
});
