import { channelInfoCommands } from './channel-info.js';
import type { CommandSpec } from './command.js';
import { connectionCommands } from './connection.js';
import { membershipCommands } from './membership.js';
import { messagingCommands } from './messaging.js';
import { registrationCommands } from './registration.js';

/** Every command the gateway understands; anything else is 421 (docs/irc.md lists them). */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  ...registrationCommands,
  ...connectionCommands,
  ...membershipCommands,
  ...channelInfoCommands,
  ...messagingCommands,
};
