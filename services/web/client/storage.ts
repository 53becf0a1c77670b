import { nameKey } from '../../../src/protocol/names.js';
import type { BrowserAdmission } from './api.js';

/**
 * What the page remembers, in the browser's localStorage (never a cookie, never a URL): the name
 * last used, and per user the tickets and owner keys of their rooms — the browser's counterpart of
 * the terminal client's `<data dir>/clients/<user>.json`.
 */
const USER_KEY = 'thiscord.user';
const ticketsKey = (user: string): string => `thiscord.tickets.${nameKey(user)}`;
const ownersKey = (user: string): string => `thiscord.owners.${nameKey(user)}`;

function readMap<T>(key: string): Map<string, T> {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? '{}') as unknown;
    return value && typeof value === 'object' ? new Map(Object.entries(value as Record<string, T>)) : new Map();
  } catch {
    return new Map();
  }
}

function writeMap<T>(key: string, map: Map<string, T>): void {
  localStorage.setItem(key, JSON.stringify(Object.fromEntries(map)));
}

export const storage = {
  user: (): string => localStorage.getItem(USER_KEY) ?? '',
  setUser: (user: string): void => localStorage.setItem(USER_KEY, user),

  admissions: (user: string): BrowserAdmission[] => [...readMap<BrowserAdmission>(ticketsKey(user)).values()],
  admission: (user: string, room: string): BrowserAdmission | undefined => readMap<BrowserAdmission>(ticketsKey(user)).get(nameKey(room)),
  saveAdmission(admission: BrowserAdmission): void {
    const map = readMap<BrowserAdmission>(ticketsKey(admission.user));
    map.set(nameKey(admission.room), admission);
    writeMap(ticketsKey(admission.user), map);
  },
  forgetRoom(user: string, room: string): void {
    for (const key of [ticketsKey(user), ownersKey(user)]) {
      const map = readMap<unknown>(key);
      map.delete(nameKey(room));
      writeMap(key, map);
    }
  },

  ownerKey: (user: string, room: string): string | undefined => readMap<string>(ownersKey(user)).get(nameKey(room)),
  saveOwnerKey(user: string, room: string, key: string): void {
    const map = readMap<string>(ownersKey(user));
    map.set(nameKey(room), key);
    writeMap(ownersKey(user), map);
  },
};
