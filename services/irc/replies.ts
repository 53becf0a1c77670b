import { type Channel, channelName, isOwner } from './channel.js';
import { type IrcClient, SERVER_NAME } from './irc-client.js';
import { NUMERICS } from './numerics.js';

/** Names per 353 line, well inside 512 bytes at 32-character names. */
const NAMES_PER_LINE = 12;

const prefixed = (channel: Channel, user: string): string => `${isOwner(channel, user) ? '@' : ''}${user}`;

/** 353 … 366: who is in the channel, the owner as channel operator (`@`). */
export function namesReply(client: IrcClient, channel: Channel): void {
  const names = [...channel.members.values()].sort((a, b) => a.localeCompare(b)).map((user) => prefixed(channel, user));
  const symbol = channel.private ? '*' : '=';
  for (let i = 0; i < names.length; i += NAMES_PER_LINE) {
    client.numeric('RPL_NAMREPLY', symbol, channelName(channel), names.slice(i, i + NAMES_PER_LINE).join(' '));
  }
  client.numeric('RPL_ENDOFNAMES', channelName(channel), 'End of /NAMES list');
}

/** 352 … 315: one line per user in the channel (everyone is "here": the hub has no away state). */
export function whoReply(client: IrcClient, channel: Channel, users: string[]): void {
  for (const user of users) {
    client.numeric(
      'RPL_WHOREPLY',
      channelName(channel),
      user,
      'thiscord',
      SERVER_NAME,
      user,
      `H${isOwner(channel, user) ? '@' : ''}`,
      `0 ${user}`,
    );
  }
  client.numeric('RPL_ENDOFWHO', channelName(channel), 'End of /WHO list');
}

/** 324 and 329: `+nt`, and `+k` with the key for a private room (every IRC member joined with it). */
export function modeReply(client: IrcClient, channel: Channel): void {
  const modes = channel.private && channel.key ? ['+ntk', channel.key] : ['+nt'];
  client.send({ source: SERVER_NAME, command: NUMERICS.RPL_CHANNELMODEIS, params: [client.nick, channelName(channel), ...modes] });
  const created = String(Math.floor(Date.parse(channel.createdAt) / 1000));
  client.send({ source: SERVER_NAME, command: NUMERICS.RPL_CREATIONTIME, params: [client.nick, channelName(channel), created] });
}

export function topicReply(client: IrcClient, channel: Channel): void {
  if (channel.topic) client.numeric('RPL_TOPIC', channelName(channel), channel.topic);
  else client.numeric('RPL_NOTOPIC', channelName(channel), 'No topic is set');
}
