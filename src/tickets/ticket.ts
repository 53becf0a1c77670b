import { createHmac, timingSafeEqual } from 'node:crypto';
import { isInstanceId } from './room-instance.js';

/**
 * A ticket admits one user to one room instance (see room-instance.ts) until it expires. The room
 * service signs it and the hub checks it locally with the same secret.
 *
 * Format: `base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, first part))`.
 */
export interface TicketClaims {
  /** User name as the user spelt it. */
  user: string;
  /** Room name as its creator spelt it. */
  room: string;
  /** The room instance it admits to; good for no other room of the same name. */
  instance: string;
  /** Issued at, ms since the epoch; revocations (kick) name an instant and refuse tickets issued before it. */
  iat: number;
  /** Expires at, ms since the epoch. */
  exp: number;
}

/** Far above any real ticket; stops a hostile client from making us hash megabytes. */
export const MAX_TICKET_LENGTH = 1024;

type TicketCheck =
  | { ok: true; claims: TicketClaims }
  | { ok: false; reason: 'bad_ticket' }
  /** Genuine but past its expiry: the claims still prove who held it (the room service renews on it). */
  | { ok: false; reason: 'ticket_expired'; claims: TicketClaims };

const CANONICAL_BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export function signTicket(secret: Buffer, claims: TicketClaims): string {
  const body = Buffer.from(
    JSON.stringify({ u: claims.user, r: claims.room, i: claims.instance, iat: claims.iat, exp: claims.exp }),
  ).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export function verifyTicket(secret: Buffer, token: unknown, now: number = Date.now()): TicketCheck {
  if (typeof token !== 'string' || token.length > MAX_TICKET_LENGTH) return { ok: false, reason: 'bad_ticket' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'bad_ticket' };
  const body = token.slice(0, dot);
  // Node's base64url decoder forgives padding, stray characters and non-zero trailing bits, so one
  // signature would have several spellings; only the exact encoding we produce is accepted.
  if (!CANONICAL_BASE64URL.test(body) || Buffer.from(body, 'base64url').toString('base64url') !== body) {
    return { ok: false, reason: 'bad_ticket' };
  }
  const given = Buffer.from(token.slice(dot + 1), 'utf8');
  const expected = Buffer.from(mac(secret, body).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_ticket' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad_ticket' };
  }
  const { u, r, i, iat, exp } = (raw ?? {}) as Record<string, unknown>;
  if (typeof u !== 'string' || typeof r !== 'string' || !isInstanceId(i) || typeof iat !== 'number' || typeof exp !== 'number') {
    return { ok: false, reason: 'bad_ticket' };
  }
  const claims = { user: u, room: r, instance: i, iat, exp };
  if (exp <= now) return { ok: false, reason: 'ticket_expired', claims };
  return { ok: true, claims };
}
