import { nameKey } from '../../../src/protocol/names.js';
import { type Channel, channelOf, roomOf } from '../channel.js';
import { type IrcClient, userSource } from '../irc-client.js';
import { modeReply, topicReply } from '../replies.js';
import type { CommandSpec } from './command.js';

/** The channel a client is in, or the numeric that says why not (403 for a bad name, 442 when not joined). */
function joinedChannel(client: IrcClient, name: string): Channel | undefined {
  const room = roomOf(name);
  const channel = room ? client.channels.get(nameKey(room)) : undefined;
  if (channel?.phase === 'joined') return channel;
  client.numeric(room ? 'ERR_NOTONCHANNEL' : 'ERR_NOSUCHCHANNEL', name, room ? "You're not on that channel" : 'No such channel');
  return undefined;
}

const NAMES: CommandSpec = {
  minParams: 0,
  run(_gateway, client, [name]) {
    const room = name ? roomOf(name) : undefined;
    const channel = room ? client.channels.get(nameKey(room)) : undefined;
    // Who is in a room is known to its members only (private rooms keep their member names).
    if (channel?.phase !== 'joined' || !client.hub) return client.numeric('RPL_ENDOFNAMES', name ?? '*', 'End of /NAMES list');
    client.hub.askWho(channel.room, 'names');
  },
};

const TOPIC: CommandSpec = {
  minParams: 1,
  run(_gateway, client, [name = '', topic]) {
    const channel = joinedChannel(client, name);
    if (!channel) return;
    if (topic === undefined) return topicReply(client, channel);
    client.numeric('ERR_CHANOPRIVSNEEDED', name, 'A room keeps the topic it was created with (thiscord rooms create --topic)');
  },
};

/** LIST [#a,#b]: the listed rooms (unlisted ones never appear), with their member counts and topics. */
const LIST: CommandSpec = {
  minParams: 0,
  async run(gateway, client, [names]) {
    const wanted = names ? new Set(names.split(',').map((name) => nameKey(roomOf(name) ?? ''))) : undefined;
    client.numeric('RPL_LISTSTART', 'Channel', 'Users  Name');
    try {
      for (const room of await gateway.rooms.listRooms()) {
        if (wanted && !wanted.has(nameKey(room.name))) continue;
        client.numeric('RPL_LIST', channelOf(room.name), String(room.members), room.topic);
      }
    } catch (error) {
      client.notice(`LIST: ${(error as Error).message}`);
    }
    client.numeric('RPL_LISTEND', 'End of /LIST');
  },
};

const WHO: CommandSpec = {
  minParams: 0,
  run(_gateway, client, [mask = '*']) {
    const room = roomOf(mask);
    const channel = room ? client.channels.get(nameKey(room)) : undefined;
    if (channel?.phase === 'joined' && client.hub) return client.hub.askWho(channel.room, 'who');
    if (nameKey(mask) === nameKey(client.nick)) {
      client.numeric('RPL_WHOREPLY', '*', client.nick, 'thiscord', 'thiscord.irc', client.nick, 'H', `0 ${client.registration.realname}`);
    }
    client.numeric('RPL_ENDOFWHO', mask, 'End of /WHO list');
  },
};

/** The only user mode is `i`, which changes nothing: nobody outside a room can list its members anyway. */
function userMode(client: IrcClient, target: string, change: string | undefined): void {
  if (nameKey(target) !== nameKey(client.nick)) return client.numeric('ERR_USERSDONTMATCH', "Can't change mode for other users");
  if (change === undefined) return client.numeric('RPL_UMODEIS', invisible.has(client) ? '+i' : '+');
  const match = /^([+-])i$/.exec(change);
  if (!match) return client.numeric('ERR_UMODEUNKNOWNFLAG', 'Unknown MODE flag: only +i is supported');
  if (match[1] === '+') invisible.add(client);
  else invisible.delete(client);
  client.send({ source: userSource(client.nick), command: 'MODE', params: [client.nick, change] });
}

const invisible = new WeakSet<IrcClient>();

/** MODE #room shows +nt (+k for a private room); the ban list is always empty; setting modes is not offered. */
const MODE: CommandSpec = {
  minParams: 1,
  run(_gateway, client, [target = '', change, ...rest]) {
    if (!target.startsWith('#')) return userMode(client, target, change);
    const channel = joinedChannel(client, target);
    if (!channel) return;
    if (change === undefined) return modeReply(client, channel);
    if (/^\+?b$/.test(change) && rest.length === 0) return client.numeric('RPL_ENDOFBANLIST', target, 'End of channel ban list');
    if (!channel.ownerKey) return client.numeric('ERR_CHANOPRIVSNEEDED', target, "You're not channel operator");
    const mode = change.replace(/^[+-]/, '').charAt(0) || change;
    client.numeric('ERR_UNKNOWNMODE', mode, 'Modes cannot be changed: a room keeps the passphrase and topic it was created with');
  },
};

export const channelInfoCommands = { NAMES, TOPIC, LIST, WHO, MODE };
