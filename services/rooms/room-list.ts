import type { RoomSummary } from '../../src/protocol/rooms-api.js';
import type { RoomDirectory } from './room-directory.js';
import { isExpired, iso } from './room-rules.js';

/**
 * The answer to list_rooms, kept between calls: listing is the most frequent call and changes are
 * rare, so the answer is kept until the next change, or until the first listed room in it expires.
 * The same array is handed out each time (the RPC server encodes it once), so it is never mutated.
 */
export class RoomList {
  private listed: { rooms: RoomSummary[]; validUntil: number } | null = null;

  constructor(private readonly directory: RoomDirectory) {}

  /** Called on every change to the directory. */
  invalidate(): void {
    this.listed = null;
  }

  list(now: number): RoomSummary[] {
    if (this.listed && now < this.listed.validUntil) return this.listed.rooms;
    const rooms = this.directory
      .all()
      .filter((room) => !room.unlisted && !isExpired(room, now))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((room) => ({
        name: room.name,
        topic: room.topic,
        members: room.members.size,
        private: room.passphrase !== null,
        ...(room.expiresAt ? { expires_at: iso(room.expiresAt) } : {}),
      }));
    // A loop, not Math.min(...): spreading a list this long overflows the call stack.
    let validUntil = Number.POSITIVE_INFINITY;
    for (const room of rooms) if (room.expires_at) validUntil = Math.min(validUntil, Date.parse(room.expires_at));
    this.listed = { rooms, validUntil };
    return rooms;
  }
}
