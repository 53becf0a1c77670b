import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eventSigningKey, isValidSyncProof } from '../../src/events/signature.js';
import type { Logger } from '../../src/logging/logger.js';
import { nameKey } from '../../src/protocol/names.js';
import { type TicketClaims, verifyTicket } from '../../src/tickets/ticket.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { RpcFault } from './faults.js';
import { hashPassphrase, verifyPassphrase } from './passphrase.js';
import type { PassphraseHash, Room } from './room-directory.js';
import { ScryptBusyError } from './scrypt-pool.js';

export interface AccessSettings {
  passphraseTries: number;
  passphraseWindowMs: number;
  /** How long after its expiry a ticket may still be exchanged for a fresh one (join_room with the ticket). */
  renewWindowMs: number;
}

const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * Who may do what to a room: holders of a ticket for it, those who know its passphrase (guessing
 * is rate-limited per room and client address), and the holder of its owner key.
 */
export class RoomAccess {
  private readonly limiter: AttemptLimiter;
  private readonly renewWindowMs: number;

  private readonly eventKey: Buffer;

  constructor(
    private readonly secret: Buffer,
    private readonly logger: Logger,
    settings: AccessSettings,
  ) {
    this.eventKey = eventSigningKey(secret);
    this.limiter = new AttemptLimiter({
      perRoomAndAddress: settings.passphraseTries,
      perRoom: settings.passphraseTries * 10,
      perAddress: settings.passphraseTries * 10,
      windowMs: settings.passphraseWindowMs,
      maxLockoutMs: 60 * settings.passphraseWindowMs,
      maxTracked: 100_000,
    });
    this.renewWindowMs = settings.renewWindowMs;
  }

  /** A fresh owner key for the creator, and the hash of it that the room keeps. */
  issueOwnerKey(): { key: string; hash: string } {
    const key = randomBytes(24).toString('base64url');
    return { key, hash: hashKey(key).toString('base64') };
  }

  /**
   * The claims of a genuine ticket for this room instance whose holder was not kicked since it was
   * issued. With `renewing`, a ticket expired less than the renewal window ago still counts.
   */
  ticketHolder(ticket: string, room: Room, { renewing }: { renewing: boolean }, now = Date.now()): TicketClaims | undefined {
    const check = verifyTicket(this.secret, ticket, now);
    const renewable = renewing && !check.ok && check.reason === 'ticket_expired' && check.claims.exp + this.renewWindowMs > now;
    const claims = check.ok ? check.claims : renewable ? check.claims : undefined;
    if (!claims || nameKey(claims.room) !== nameKey(room.name) || claims.instance !== room.instance) return undefined;
    const revokedBefore = room.revoked.get(nameKey(claims.user));
    if (revokedBefore !== undefined && claims.iat < revokedBefore) return undefined;
    return claims;
  }

  /**
   * The attempt is counted before any hashing, so concurrent guesses cannot all be evaluated; a
   * right passphrase takes its attempt back.
   */
  async checkPassphrase(room: Room, passphrase: string | undefined, clientAddress: string): Promise<void> {
    if (passphrase === undefined || passphrase === '')
      throw new RpcFault('wrong_passphrase', `room ${room.name} is private: give its passphrase`);
    const attempt = this.limiter.begin(nameKey(room.name), clientAddress);
    if (!attempt.ok) {
      throw new RpcFault(
        'too_many_attempts',
        `too many passphrase attempts for room ${room.name}; try again in ${Math.ceil(attempt.retryAfterMs / 1000)} s`,
      );
    }
    let right: boolean;
    try {
      right = await verifyPassphrase(passphrase, room.passphrase!);
    } catch (error) {
      if (error instanceof ScryptBusyError)
        throw new RpcFault('too_many_attempts', 'the room service is busy checking passphrases; try again in a moment');
      throw error;
    }
    if (right) return this.limiter.succeeded(attempt);
    this.logger.warn({ room: room.name, client: clientAddress }, 'wrong passphrase');
    throw new RpcFault('wrong_passphrase', `wrong passphrase for room ${room.name}`);
  }

  /** A new room's passphrase hash, or a busy fault when passphrase work is queued to its limit. */
  async hashForRoom(passphrase: string): Promise<PassphraseHash> {
    try {
      return await hashPassphrase(passphrase);
    } catch (error) {
      if (error instanceof ScryptBusyError)
        throw new RpcFault('too_many_attempts', 'the room service is busy checking passphrases; try again in a moment');
      throw error;
    }
  }

  /** Whether a hub_sync proof comes from a holder of the stack's secret. */
  isHub(proof: string): boolean {
    return isValidSyncProof(this.eventKey, proof);
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
