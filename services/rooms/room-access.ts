import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../src/logging/logger.js';
import { nameKey } from '../../src/protocol/names.js';
import { type TicketClaims, verifyTicket } from '../../src/tickets/ticket.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { RpcFault } from './faults.js';
import { verifyPassphrase } from './passphrase.js';
import type { Room } from './room-directory.js';

export interface AccessSettings {
  passphraseTries: number;
  passphraseWindowMs: number;
}

const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * Who may do what to a room: holders of a ticket for it, those who know its passphrase (guessing
 * is rate-limited per room and client address), and the holder of its owner key.
 */
export class RoomAccess {
  private readonly limiter: AttemptLimiter;

  constructor(
    private readonly secret: Buffer,
    private readonly logger: Logger,
    settings: AccessSettings,
  ) {
    this.limiter = new AttemptLimiter(settings.passphraseTries, settings.passphraseWindowMs);
  }

  /** A fresh owner key for the creator, and the hash of it that the room keeps. */
  issueOwnerKey(): { key: string; hash: string } {
    const key = randomBytes(24).toString('base64url');
    return { key, hash: hashKey(key).toString('base64') };
  }

  /** The claims of a genuine ticket for this room whose holder was not kicked since it was issued. */
  ticketHolder(ticket: string, room: Room, { allowExpired }: { allowExpired: boolean }): TicketClaims | undefined {
    const check = verifyTicket(this.secret, ticket);
    const claims = check.ok ? check.claims : check.reason === 'ticket_expired' && allowExpired ? check.claims : undefined;
    if (!claims || nameKey(claims.room) !== nameKey(room.name)) return undefined;
    const revokedBefore = room.revoked[nameKey(claims.user)];
    if (revokedBefore !== undefined && claims.iat < revokedBefore) return undefined;
    return claims;
  }

  async checkPassphrase(room: Room, passphrase: string | undefined, clientAddress: string): Promise<void> {
    if (passphrase === undefined || passphrase === '')
      throw new RpcFault('wrong_passphrase', `room ${room.name} is private: give its passphrase`);
    const key = `${nameKey(room.name)} ${clientAddress}`;
    const wait = this.limiter.retryAfter(key);
    if (wait > 0)
      throw new RpcFault('too_many_attempts', `too many wrong passphrases for room ${room.name}; try again in ${Math.ceil(wait / 1000)} s`);
    if (!(await verifyPassphrase(passphrase, room.passphrase!))) {
      this.limiter.recordFailure(key);
      this.logger.warn({ room: room.name, client: clientAddress }, 'wrong passphrase');
      throw new RpcFault('wrong_passphrase', `wrong passphrase for room ${room.name}`);
    }
  }

  checkOwner(room: Room, ownerKey: string): void {
    const given = hashKey(ownerKey);
    const stored = Buffer.from(room.ownerKeyHash, 'base64');
    if (!timingSafeEqual(given, stored))
      throw new RpcFault('not_owner', `that owner key does not own room ${room.name}; only its creator can do this`);
  }

  /** Forgets passphrase failures older than the window, so the limiter holds only recent guessers. */
  sweep(now: number): void {
    this.limiter.sweep(now);
  }
}
