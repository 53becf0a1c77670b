import { parseDurationMs } from '../../config/validate.js';
import { saveAdmission, saveOwnerKey, ticketFor } from './credentials.js';
import type { Admission, CreatedRoom, CreateOptions, RoomsClient } from './rooms-client.js';

/**
 * Creating and joining rooms for a user, keeping what the room service hands back: every path that
 * creates a room (`rooms create`, `chat --create`, `/create`, the interactive flows) stores the
 * owner key, so the creator can delete or kick later.
 */
export async function createRoom(
  client: RoomsClient,
  dataDir: string,
  name: string,
  user: string,
  options: CreateOptions,
): Promise<CreatedRoom> {
  const created = await client.createRoom(name, user, options);
  saveAdmission(dataDir, created);
  saveOwnerKey(dataDir, user, created.room, created.owner_key);
  return created;
}

/** Joins with the user's stored ticket when there is one (no passphrase needed again), else the passphrase. */
export async function joinRoom(client: RoomsClient, dataDir: string, name: string, user: string, passphrase?: string): Promise<Admission> {
  const held = ticketFor(dataDir, user, name);
  const admission = await client.joinRoom(name, user, { passphrase, ticket: held?.ticket });
  saveAdmission(dataDir, admission);
  return admission;
}

/** `--ttl 2h` → whole seconds (at least one), as create_room takes it. */
export function ttlSeconds(ttl: string | undefined): number | undefined {
  return ttl === undefined ? undefined : Math.max(1, Math.round(parseDurationMs('ttl', ttl, 1000) / 1000));
}
