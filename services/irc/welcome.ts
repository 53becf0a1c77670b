import { NAME_MAX_LENGTH } from '../../src/protocol/names.js';
import { CHANNEL_PREFIX } from './channel.js';
import { type IrcClient, SERVER_NAME } from './irc-client.js';
import type { IrcLimits } from './limits.js';
import { NUMERICS } from './numerics.js';

export const GATEWAY_VERSION = 'thiscord-irc-0.1';

/**
 * What ISUPPORT (005) says, each token true of this gateway: names are ASCII and compared without
 * case (CASEMAPPING=ascii), channels are `#` and a room name, the owner is the only operator, `+k`
 * is the one mode with a parameter, one target per message, lines must be UTF-8.
 */
export function isupportTokens(limits: IrcLimits): string[] {
  return [
    'CASEMAPPING=ascii',
    `CHANLIMIT=${CHANNEL_PREFIX}:${limits.maxChannels}`,
    'CHANMODES=,k,,nt',
    `CHANNELLEN=${NAME_MAX_LENGTH + CHANNEL_PREFIX.length}`,
    `CHANTYPES=${CHANNEL_PREFIX}`,
    'NETWORK=ThisCord',
    `NICKLEN=${NAME_MAX_LENGTH}`,
    'PREFIX=(o)@',
    'TARGMAX=PRIVMSG:1,NOTICE:1,KICK:1',
    'TOPICLEN=200',
    'UTF8ONLY',
  ];
}

/** 001–005 and the MOTD (or 422): what a client waits for before it joins anything. */
export function sendWelcome(client: IrcClient, limits: IrcLimits, startedAt: Date, motd: string[] | undefined): void {
  client.numeric('RPL_WELCOME', `Welcome to ThisCord over IRC, ${client.nick}`);
  client.numeric('RPL_YOURHOST', `Your host is ${SERVER_NAME}, running version ${GATEWAY_VERSION}`);
  client.numeric('RPL_CREATED', `This server was created ${startedAt.toISOString()}`);
  client.send({ source: SERVER_NAME, command: NUMERICS.RPL_MYINFO, params: [client.nick, SERVER_NAME, GATEWAY_VERSION, 'i', 'knt'] });
  const tokens = isupportTokens(limits);
  for (let i = 0; i < tokens.length; i += 12) client.numeric('RPL_ISUPPORT', ...tokens.slice(i, i + 12), 'are supported by this server');
  sendMotd(client, motd);
}

export function sendMotd(client: IrcClient, motd: string[] | undefined): void {
  if (!motd || motd.length === 0) return client.numeric('ERR_NOMOTD', 'MOTD File is missing');
  client.numeric('RPL_MOTDSTART', `- ${SERVER_NAME} Message of the day -`);
  for (const line of motd) client.numeric('RPL_MOTD', `- ${line}`);
  client.numeric('RPL_ENDOFMOTD', 'End of /MOTD command.');
}
