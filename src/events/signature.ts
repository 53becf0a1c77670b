import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Events that change what the hub lets people do (a room deleted, expired, a user kicked) are
 * signed by the room service: anyone who reaches the broker's PULL port can publish, so an unsigned
 * event only informs, never commands. The key is derived from the ticket secret (HKDF-SHA256, info
 * "thiscord room events v1"), so whoever may check tickets may check events, and the ticket secret
 * itself never signs anything but tickets.
 *
 * The signature is `sig`: base64url HMAC-SHA256 over the event's JSON without `sig`, its fields in
 * the order they arrived (JSON.stringify of the parsed payload, or Python's
 * `json.dumps(payload, separators=(",", ":"), ensure_ascii=False)` with `sig` removed).
 */
export const EVENT_KEY_INFO = 'thiscord room events v1';

export function eventSigningKey(ticketSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', ticketSecret, Buffer.alloc(0), EVENT_KEY_INFO, 32));
}

function signatureOf(key: Buffer, fields: object): string {
  return createHmac('sha256', key).update(JSON.stringify(fields)).digest('base64url');
}

export function signEvent<T extends object>(key: Buffer, event: T): T & { sig: string } {
  return { ...event, sig: signatureOf(key, event) };
}

/** True only for a payload whose `sig` is exactly the signature of the rest of it. */
export function hasValidSignature(key: Buffer, payload: Record<string, unknown>): boolean {
  const { sig, ...fields } = payload;
  if (typeof sig !== 'string') return false;
  const given = Buffer.from(sig, 'utf8');
  const expected = Buffer.from(signatureOf(key, fields), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How far a `hub_sync` proof's time may be from the room service's clock. */
const SYNC_PROOF_WINDOW_MS = 60_000;

function syncMac(key: Buffer, at: number): string {
  return createHmac('sha256', key).update(`hub_sync ${at}`).digest('base64url');
}

/**
 * Proves to the room service that a `hub_sync` caller holds the secret: `<ms>.<HMAC of "hub_sync <ms>">`
 * with the event key. It only reads, so a proof replayed within its minute gives nothing a holder
 * of the secret could not get.
 */
export function syncProof(key: Buffer, now = Date.now()): string {
  return `${now}.${syncMac(key, now)}`;
}

export function isValidSyncProof(key: Buffer, proof: unknown, now = Date.now()): boolean {
  if (typeof proof !== 'string' || proof.length > 128) return false;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(proof);
  if (!match) return false;
  const at = Number(match[1]);
  if (Math.abs(now - at) > SYNC_PROOF_WINDOW_MS) return false;
  const given = Buffer.from(match[2]!, 'utf8');
  const expected = Buffer.from(syncMac(key, at), 'utf8');
  return timingSafeEqual(given, expected);
}
