import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nameKey } from '../../protocol/names.js';
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

export function credentialsPath(dataDir: string, user: string): string {
  return path.join(dataDir, 'clients', `${nameKey(user)}.json`);
}

export function loadCredentials(dataDir: string, user: string): Credentials {
  try {
    const stored = JSON.parse(readFileSync(credentialsPath(dataDir, user), 'utf8')) as Partial<Credentials>;
    return { user, admissions: stored.admissions ?? {}, owner_keys: stored.owner_keys ?? {} };
  } catch {
    return { user, admissions: {}, owner_keys: {} };
  }
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
