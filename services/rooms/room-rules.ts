import type { Room } from './room-directory.js';

/** Facts about a room that every operation reads the same way. */

export const iso = (ms: number): string => new Date(ms).toISOString();

export function isExpired(room: Room, now: number): boolean {
  return room.expiresAt !== null && room.expiresAt <= now;
}

/** In the order they joined. */
export function memberNames(room: Room): string[] {
  return Array.from(room.members.values(), (member) => member.name);
}
