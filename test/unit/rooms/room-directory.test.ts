import { describe, expect, it } from 'vitest';
import { RoomDirectory } from '../../../services/rooms/room-directory.js';
import { memberNames } from '../../../services/rooms/room-rules.js';
import { storedRoom } from '../../helpers/stored-room.js';

/** The directory a restart builds from this one's snapshot, as the journal writes and reads it. */
const restarted = (directory: RoomDirectory): RoomDirectory => RoomDirectory.from(JSON.parse(JSON.stringify(directory.snapshot())), []);

describe('the room directory', () => {
  it('lists members in the order they joined, before and after a restart, whatever their names', () => {
    const directory = RoomDirectory.from(undefined, [{ op: 'create', room: storedRoom('r') }]);
    const joiners = ['Zed', '42', '__proto__', 'constructor', '7'];
    for (const [i, user] of joiners.entries()) directory.apply({ op: 'join', room: 'r', user, at: i + 1 });
    directory.apply({ op: 'kick', room: 'r', user: 'constructor', revokedBefore: 99 });
    const expected = ['alice', 'Zed', '42', '__proto__', '7'];
    expect(memberNames(directory.get('r')!)).toEqual(expected);
    const after = restarted(directory).get('r')!;
    expect(memberNames(after)).toEqual(expected);
    expect(after.members.size).toBe(5);
    expect([...after.revoked]).toEqual([['constructor', 99]]);
  });

  it('keeps a room named like a property of every object through a restart', () => {
    const directory = RoomDirectory.from(undefined, [
      { op: 'create', room: storedRoom('__proto__') },
      { op: 'create', room: storedRoom('constructor') },
    ]);
    const after = restarted(directory);
    expect(after.size).toBe(2);
    expect(after.get('__proto__')?.name).toBe('__proto__');
    expect(memberNames(after.get('constructor')!)).toEqual(['alice']);
  });
});
