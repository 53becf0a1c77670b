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

export interface Room {
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
  /** Keyed by nameKey(user); no prototype, so any name is a plain key. */
  members: Record<string, Member>;
  /** nameKey(user) → instant before which that user's tickets are void (a kick). */
  revoked: Record<string, number>;
}

/** The journal's vocabulary: every change to room state is one of these, applied the same way live and on replay. */
export type RoomChange =
  | { op: 'create'; room: Room }
  | { op: 'join'; room: string; user: string; at: number }
  | { op: 'leave'; room: string; user: string }
  | { op: 'kick'; room: string; user: string; revokedBefore: number }
  | { op: 'delete'; room: string }
  | { op: 'expire'; room: string };

export type DirectoryState = Record<string, Room>;

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
    return Object.fromEntries(this.rooms);
  }

  apply(change: RoomChange): void {
    switch (change.op) {
      case 'create':
        this.rooms.set(nameKey(change.room.name), loaded(structuredClone(change.room)));
        return;
      case 'join': {
        const room = this.get(change.room);
        if (room) room.members[nameKey(change.user)] = { name: change.user, joinedAt: change.at };
        return;
      }
      case 'leave': {
        const room = this.get(change.room);
        if (room) delete room.members[nameKey(change.user)];
        return;
      }
      case 'kick': {
        const room = this.get(change.room);
        if (!room) return;
        delete room.members[nameKey(change.user)];
        room.revoked[nameKey(change.user)] = change.revokedBefore;
        return;
      }
      case 'delete':
      case 'expire':
        this.rooms.delete(nameKey(change.room));
        return;
    }
  }
}

/** A dictionary keyed by names anyone may choose: "__proto__" or "constructor" are plain keys in it. */
export function nameDictionary<T>(entries: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

/**
 * A room as stored, made safe to use: name-keyed dictionaries without a prototype, and an instance
 * id for rooms written before rooms had one — derived from what the room already holds, so it is
 * the same at every start without writing anything.
 */
function loaded(room: Room): Room {
  room.members = nameDictionary(room.members);
  room.revoked = nameDictionary(room.revoked);
  room.instance ??= legacyInstanceId(room);
  return room;
}

function legacyInstanceId(room: Room): string {
  const digest = createHash('sha256')
    .update(`${nameKey(room.name)} ${room.createdAt} ${room.ownerKeyHash}`)
    .digest('base64url');
  return `${Math.trunc(room.createdAt).toString(36)}.${digest.slice(0, 16)}`;
}
