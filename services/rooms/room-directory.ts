import { createHash } from 'node:crypto';
import { nameKey } from '../../src/protocol/names.js';

/** A passphrase is kept only as an scrypt hash with its own salt. */
export interface PassphraseHash {
  salt: string;
  hash: string;
}

export interface Member {
  name: string;
  joinedAt: number;
}

/** A room as the service holds it; the journal and the snapshot hold it as a StoredRoom. */
export interface Room extends RoomFacts {
  /**
   * Keyed by nameKey(user), in the order they joined. A Map, not a dictionary: a join counts
   * and lists the members, and a dictionary object counts and lists its keys by sorting them.
   */
  members: Map<string, Member>;
  /** nameKey(user) → instant before which that user's tickets are void (a kick). */
  revoked: Map<string, number>;
}

/** A room in the journal (a create) and in the snapshot: JSON, so dictionaries for the maps. */
export interface StoredRoom extends RoomFacts {
  members: Record<string, Member>;
  revoked: Record<string, number>;
}

interface RoomFacts {
  name: string;
  /** This room instance (src/tickets/room-instance.ts); a later room of the same name has another. */
  instance: string;
  owner: string;
  /** sha256 of the owner key: the key itself is only ever shown to the creator. */
  ownerKeyHash: string;
  topic: string;
  unlisted: boolean;
  passphrase: PassphraseHash | null;
  createdAt: number;
  expiresAt: number | null;
}

/** The journal's vocabulary: every change to room state is one of these, applied the same way live and on replay. */
export type RoomChange =
  | { op: 'create'; room: StoredRoom }
  | { op: 'join'; room: string; user: string; at: number }
  | { op: 'leave'; room: string; user: string }
  | { op: 'kick'; room: string; user: string; revokedBefore: number }
  | { op: 'delete'; room: string }
  | { op: 'expire'; room: string };

export type DirectoryState = Record<string, StoredRoom>;

/** All rooms, keyed by nameKey(room name). Holds no logic beyond applying changes. */
export class RoomDirectory {
  private rooms = new Map<string, Room>();

  static from(state: DirectoryState | undefined, changes: RoomChange[]): RoomDirectory {
    const directory = new RoomDirectory();
    for (const [key, room] of Object.entries(state ?? {})) directory.rooms.set(key, loaded(room));
    for (const change of changes) directory.apply(change);
    return directory;
  }

  get(name: string): Room | undefined {
    return this.rooms.get(nameKey(name));
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  get size(): number {
    return this.rooms.size;
  }

  snapshot(): DirectoryState {
    const state = dictionary<StoredRoom>();
    for (const [key, room] of this.rooms) state[key] = stored(room);
    return state;
  }

  apply(change: RoomChange): void {
    switch (change.op) {
      case 'create':
        this.rooms.set(nameKey(change.room.name), loaded(change.room));
        return;
      case 'join': {
        const room = this.get(change.room);
        room?.members.set(nameKey(change.user), { name: change.user, joinedAt: change.at });
        return;
      }
      case 'leave': {
        const room = this.get(change.room);
        room?.members.delete(nameKey(change.user));
        return;
      }
      case 'kick': {
        const room = this.get(change.room);
        if (!room) return;
        room.members.delete(nameKey(change.user));
        room.revoked.set(nameKey(change.user), change.revokedBefore);
        return;
      }
      case 'delete':
      case 'expire':
        this.rooms.delete(nameKey(change.room));
        return;
    }
  }
}

/**
 * A room as stored, made ready to use: its own maps (members in the order they joined, which a
 * JSON object does not keep for names that look like numbers), and an instance id for rooms
 * written before rooms had one — derived from what the room already holds, so it is the same at
 * every start without writing anything.
 */
function loaded(room: Omit<StoredRoom, 'instance'> & { instance?: string }): Room {
  return {
    ...room,
    instance: room.instance ?? legacyInstanceId(room),
    members: new Map(Object.entries(room.members).sort(([, a], [, b]) => a.joinedAt - b.joinedAt)),
    revoked: new Map(Object.entries(room.revoked)),
  };
}

function stored(room: Room): StoredRoom {
  const members = dictionary<Member>();
  for (const [key, member] of room.members) members[key] = member;
  const revoked = dictionary<number>();
  for (const [key, before] of room.revoked) revoked[key] = before;
  return { ...room, members, revoked };
}

/**
 * An object without a prototype, for the snapshot: "__proto__" or "constructor" are plain keys in
 * it, which JSON.stringify writes and JSON.parse reads back as own keys like any other. Filled by
 * a loop: a compaction builds one per room, and Object.fromEntries took four times as long.
 */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function legacyInstanceId(room: Pick<StoredRoom, 'name' | 'createdAt' | 'ownerKeyHash'>): string {
  const digest = createHash('sha256')
    .update(`${nameKey(room.name)} ${room.createdAt} ${room.ownerKeyHash}`)
    .digest('base64url');
  return `${Math.trunc(room.createdAt).toString(36)}.${digest.slice(0, 16)}`;
}
