import { encodeFrame } from '../../src/protocol/frames.js';
import type { Member, Room, RoomRegistry } from './room-registry.js';
import type { TurnSlices } from './turn-slices.js';

/** Members a summary goes to in one piece of work: a room of thousands gets it over several turns. */
const SUMMARY_CHUNK = 100;

export interface PresenceSettings {
  /** Rooms with more members than this (after the change) count arrivals and departures instead of naming them. */
  limit: number;
  /** How often a large room's counted changes go out, as one `presence_summary`. */
  intervalMs: number;
}

interface Counted {
  joined: number;
  left: number;
}

/**
 * What members learn about who is in a room. Naming every arrival to every member costs one frame
 * per member per change, which grows with the square of the room when everyone arrives at once (a
 * hub restart brings a whole community back in the same second). So a room of up to `limit`
 * members hears each `presence` by name, and a larger one hears, at most once per interval, one
 * `presence_summary` with the counts; names are on demand with `who`.
 *
 * `who` answers are encoded once and kept until membership changes; in a large room until the
 * next summary goes out, so a crowd asking `who` during an arrival storm costs one encoding per
 * interval, and a `who` asked after a summary includes every change it counted.
 */
export class RoomPresence<M extends Member> {
  private readonly counted = new Map<Room<M>, Counted>();
  private readonly rosters = new WeakMap<Room<M>, Buffer>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rooms: RoomRegistry<M>,
    private readonly slices: TurnSlices,
    private readonly settings: PresenceSettings,
  ) {}

  /** `user` arrived in or left `room` (its members already say so); everyone but `except` hears of it. */
  changed(room: Room<M>, user: string, event: 'join' | 'leave', except?: M): void {
    if (room.members.size <= this.settings.limit) {
      this.rosters.delete(room);
      this.rooms.broadcast(room, Buffer.from(encodeFrame({ type: 'presence', room: room.name, user, event })), except);
      return;
    }
    let counts = this.counted.get(room);
    if (!counts) this.counted.set(room, (counts = { joined: 0, left: 0 }));
    if (event === 'join') counts.joined++;
    else counts.left++;
    this.timer ??= setTimeout(() => this.flush(), this.settings.intervalMs).unref();
  }

  /** Membership changed without an announcement of its own (a kick announces itself). */
  invalidate(room: Room<M>): void {
    this.rosters.delete(room);
  }

  /** The room is gone: nothing counted for it goes out. */
  forget(room: Room<M>): void {
    this.counted.delete(room);
    this.rosters.delete(room);
  }

  /** The encoded `who` answer for the room. */
  who(room: Room<M>): Buffer {
    let roster = this.rosters.get(room);
    if (!roster) {
      roster = Buffer.from(encodeFrame({ type: 'who', room: room.name, users: this.rooms.usersIn(room) }));
      this.rosters.set(room, roster);
    }
    return roster;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.counted.clear();
  }

  private flush(): void {
    this.timer = undefined;
    for (const [room, counts] of this.counted) {
      this.rosters.delete(room);
      const summary = Buffer.from(encodeFrame({ type: 'presence_summary', room: room.name, ...counts, members: room.members.size }));
      const members = [...room.members];
      for (let from = 0; from < members.length; from += SUMMARY_CHUNK) {
        const chunk = members.slice(from, from + SUMMARY_CHUNK);
        this.slices.add(() => {
          for (const member of chunk) member.deliver(summary);
        });
      }
    }
    this.counted.clear();
  }
}
