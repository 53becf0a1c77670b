import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isValidName, NAME_RULE, nameKey } from '../../protocol/names.js';
import { writeFileAtomic } from '../../storage/write-file-atomic.js';
import type { Admission } from './rooms-client.js';

/**
 * What a user's clients remember between runs: the tickets and owner keys the room service gave
 * them, in `<data dir>/clients/<user>.json` with mode 0600, so `thiscord rooms` and `thiscord chat`
 * can act for the user later. Never any chat text.
 */
export interface Credentials {
  user: string;
  /** nameKey(room) → the latest admission to it. */
  admissions: Record<string, Admission>;
  /** nameKey(room) → the owner key of a room this user created. */
  owner_keys: Record<string, string>;
}

/**
 * The file for a user's credentials. A name becomes part of a path only once it has passed the
 * name rule (no "/" can pass), whether it came from a flag or from a server's answer, and the
 * result is checked to stay inside `<data dir>/clients/`.
 */
export function credentialsPath(dataDir: string, user: string): string {
  if (!isValidName(user))
    throw new Error(`refusing to store credentials for ${JSON.stringify(user).slice(0, 80)}: a user name is ${NAME_RULE}`);
  const dir = path.resolve(dataDir, 'clients');
  const file = path.resolve(dir, `${nameKey(user)}.json`);
  if (path.dirname(file) !== dir) throw new Error(`refusing to store credentials outside ${dir}`);
  return file;
}

/** Keys are room names chosen by anyone: no prototype, so "__proto__" or "constructor" are plain keys. */
function dictionary<T>(stored: unknown, keep: (value: unknown) => value is T): Record<string, T> {
  const dict = Object.create(null) as Record<string, T>;
  if (typeof stored !== 'object' || stored === null) return dict;
  for (const [key, value] of Object.entries(stored)) if (keep(value)) dict[key] = value;
  return dict;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isAdmission = (value: unknown): value is Admission =>
  typeof value === 'object' && value !== null && isString((value as Admission).ticket) && isString((value as Admission).room);

export function loadCredentials(dataDir: string, user: string): Credentials {
  const file = credentialsPath(dataDir, user);
  let stored: Partial<Record<keyof Credentials, unknown>> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  } catch {
    // No file yet (or an unreadable one): the user simply holds nothing.
  }
  return { user, admissions: dictionary(stored.admissions, isAdmission), owner_keys: dictionary(stored.owner_keys, isString) };
}

function save(dataDir: string, credentials: Credentials): void {
  mkdirSync(path.join(dataDir, 'clients'), { recursive: true, mode: 0o700 });
  writeFileAtomic(credentialsPath(dataDir, credentials.user), `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
}

export function saveAdmission(dataDir: string, admission: Admission): void {
  const credentials = loadCredentials(dataDir, admission.user);
  credentials.admissions[nameKey(admission.room)] = admission;
  save(dataDir, credentials);
}

export function saveOwnerKey(dataDir: string, user: string, room: string, key: string): void {
  const credentials = loadCredentials(dataDir, user);
  credentials.owner_keys[nameKey(room)] = key;
  save(dataDir, credentials);
}

export function forgetRoom(dataDir: string, user: string, room: string): void {
  const credentials = loadCredentials(dataDir, user);
  delete credentials.admissions[nameKey(room)];
  delete credentials.owner_keys[nameKey(room)];
  save(dataDir, credentials);
}

export function ticketFor(dataDir: string, user: string, room: string): Admission | undefined {
  return loadCredentials(dataDir, user).admissions[nameKey(room)];
}

export function ownerKeyFor(dataDir: string, user: string, room: string): string | undefined {
  return loadCredentials(dataDir, user).owner_keys[nameKey(room)];
}
