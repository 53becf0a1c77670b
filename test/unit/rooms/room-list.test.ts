import { describe, expect, it } from 'vitest';
import { RoomDirectory } from '../../../services/rooms/room-directory.js';
import { RoomList } from '../../../services/rooms/room-list.js';

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
