import type { Room } from './room-directory.js';

/** Facts about a room that every operation reads the same way. */

export const iso = (ms: number): string => new Date(ms).toISOString();

export function isExpired(room: Room, now: number): boolean {
  return room.expiresAt !== null && room.expiresAt <= now;
}

export function memberCount(room: Room): number {
  return Object.keys(room.members).length;
}

/** In the order they joined. */
export function memberNames(room: Room): string[] {
  return Object.values(room.members).map((member) => member.name);
}
