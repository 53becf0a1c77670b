import type { HistoryEntry } from '../../src/protocol/frames.js';
import { nameKey } from '../../src/protocol/names.js';

/** What the registry needs of a connection: somewhere to deliver encoded frames, and who it is. */
export interface Member {
  readonly user: string;
  deliver(frame: Buffer): void;
}

export interface Room<M extends Member> {
  name: string;
  /** The room instance (see src/tickets/room-instance.ts): its history and sequence are this instance's alone. */
  instance: string;
  members: Set<M>;
  /** Per-room sequence, so every member sees messages in the same numbered order. */
  seq: number;
  /** The last messages, in memory only: chat text is never written anywhere. */
  history: HistoryEntry[];
}

/**
 * Rooms the hub currently relays, and their members' connections. A room everyone has left keeps
 * its history (and sequence) for whoever comes next, until it is deleted or expires; at most
 * `maxIdleRooms` such rooms are remembered, the longest idle forgotten first, so memory stays
 * bounded.
 */
export class RoomRegistry<M extends Member> {
  private readonly rooms = new Map<string, Room<M>>();
  /** Keys of rooms nobody is in, longest idle first (a Map keeps insertion order). */
  private readonly idle = new Map<string, true>();

  constructor(
    private readonly historySize: number,
    private readonly maxIdleRooms = 1000,
  ) {}

  /** Rooms with at least one member (idle rooms kept for their history are not counted). */
  get inUse(): number {
    return this.rooms.size - this.idle.size;
  }

  get(name: string): Room<M> | undefined {
    return this.rooms.get(nameKey(name));
  }

  all(): Room<M>[] {
    return [...this.rooms.values()];
  }

  /** Adds the member to the room's instance; an older instance of that name must have been closed first. */
  join(name: string, instance: string, member: M): Room<M> {
    const key = nameKey(name);
    let room = this.rooms.get(key);
    if (room && room.instance !== instance) throw new Error(`room ${name}: instance ${instance} while ${room.instance} is open`);
    if (!room) {
      room = { name, instance, members: new Set(), seq: 0, history: [] };
      this.rooms.set(key, room);
    }
    this.idle.delete(key);
    room.members.add(member);
    return room;
  }

  /** Removes the member; an empty room without history is forgotten, one with history waits. */
  leave(room: Room<M>, member: M): void {
    room.members.delete(member);
    if (room.members.size > 0) return;
    const key = nameKey(room.name);
    if (room.history.length === 0) {
      this.rooms.delete(key);
      return;
    }
    this.idle.set(key, true);
    if (this.idle.size > this.maxIdleRooms) {
      const oldest = this.idle.keys().next().value as string;
      this.idle.delete(oldest);
      this.rooms.delete(oldest);
    }
  }

  close(name: string): Room<M> | undefined {
    const room = this.get(name);
    if (room) this.rooms.delete(nameKey(name));
    this.idle.delete(nameKey(name));
    return room;
  }

  record(room: Room<M>, entry: HistoryEntry): void {
    if (this.historySize === 0) return;
    room.history.push(entry);
    if (room.history.length > this.historySize) room.history.shift();
  }

  /** Sends one already-encoded frame to every member but `except`: encoded once per room, not per recipient. */
  broadcast(room: Room<M>, frame: Buffer, except?: M): void {
    for (const member of room.members) if (member !== except) member.deliver(frame);
  }

  usersIn(room: Room<M>): string[] {
    return [...new Set([...room.members].map((member) => member.user))].sort((a, b) => a.localeCompare(b));
  }
}
