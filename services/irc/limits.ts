/**
 * Every limit of the gateway, each a flag with a documented default (services/irc/service.ts,
 * docs/irc.md), checked at the connection boundary before a command runs.
 */
export interface IrcLimits {
  maxClients: number;
  clientsPerAddress: number;
  /** Lines a second a client may send once its burst is spent; more wait (fake lag) in a bounded queue. */
  lineRate: number;
  lineBurst: number;
  /** Lines waiting for the flood limit past which a client is disconnected ("Excess Flood"). */
  maxQueuedLines: number;
  maxOutputBytes: number;
  maxChannels: number;
  registrationTimeoutMs: number;
  idleTimeoutMs: number;
  pingTimeoutMs: number;
}

/** IRC's line limit, CR LF included, without message tags. */
export const MAX_LINE_BYTES = 512;
/** Tags may add this much to a client's line (IRCv3 message-tags); anything longer cannot be resynchronised. */
export const MAX_TAGGED_LINE_BYTES = 4096 + MAX_LINE_BYTES;
