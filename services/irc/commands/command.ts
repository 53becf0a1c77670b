import type { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import type { HubSession } from '../hub-session.js';
import type { IrcClient } from '../irc-client.js';
import type { IrcLimits } from '../limits.js';

/** What command handlers may ask of the gateway. */
export interface GatewayContext {
  readonly rooms: RoomsClient;
  readonly limits: IrcLimits;
  /** Lines of the message of the day, or undefined for none (422). */
  readonly motd: string[] | undefined;
  /** Takes a nick for a client; false if another client holds it (case-insensitively). */
  claimNick(client: IrcClient, nick: string): boolean;
  /** Welcomes the client if it has said all registration needs. */
  completeRegistration(client: IrcClient): void;
  /** The client's hub connection, opened on its first JOIN. */
  hubSession(client: IrcClient): HubSession;
  /** Leaves the room at the room service too, so that the name is free again (errors do not matter). */
  releaseRoom(room: string, ticket: string): void;
}

export interface CommandSpec {
  /** Parameters without which the answer is 461. */
  minParams: number;
  /** Allowed before registration (CAP, NICK, USER, PASS, PING, PONG, QUIT). */
  beforeRegistration?: boolean;
  run(gateway: GatewayContext, client: IrcClient, params: string[]): void | Promise<void>;
}
