import { type CreatedRoom, RoomsFault } from '../../../src/clients/rooms/rooms-client.js';
import { nameKey } from '../../../src/protocol/names.js';
import { type Admission, ROOMS_FAULTS } from '../../../src/protocol/rooms-api.js';
import { type Channel, channelName, channelOf, roomOf } from '../channel.js';
import { type IrcClient, userSource } from '../irc-client.js';
import type { CommandSpec, GatewayContext } from './command.js';
import { joinRefusal } from './room-faults.js';

/** Joins the room, or creates it (owned by this nick, private when a key is given) if there is none. */
async function admit(gateway: GatewayContext, room: string, nick: string, key: string | undefined): Promise<Admission | CreatedRoom> {
  try {
    return await gateway.rooms.joinRoom(room, nick, { passphrase: key });
  } catch (error) {
    if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.no_such_room) throw error;
  }
  try {
    return await gateway.rooms.createRoom(room, nick, key ? { passphrase: key } : {});
  } catch (error) {
    // Someone created it a moment ago: join theirs.
    if (error instanceof RoomsFault && error.code === ROOMS_FAULTS.room_exists)
      return gateway.rooms.joinRoom(room, nick, { passphrase: key });
    throw error;
  }
}

async function joinOne(gateway: GatewayContext, client: IrcClient, name: string, key: string | undefined): Promise<void> {
  const room = roomOf(name);
  if (!room)
    return client.numeric('ERR_BADCHANNAME', name, 'Illegal channel name: # and a room name (1 to 32 letters, digits, "_", "-" or ".")');
  if (client.channels.has(nameKey(room))) return;
  if (client.channels.size >= gateway.limits.maxChannels) {
    return client.numeric('ERR_TOOMANYCHANNELS', name, `You have joined too many channels (at most ${gateway.limits.maxChannels})`);
  }
  let admission: Admission | CreatedRoom;
  try {
    admission = await admit(gateway, room, client.nick, key);
  } catch (error) {
    const refusal = joinRefusal(error);
    return client.numeric(refusal.numeric, name, refusal.text);
  }
  const info = await gateway.rooms.roomInfo(admission.room, admission.ticket).catch(() => undefined);
  // Gone while the room service answered: nothing may be opened for a closed client (its hub
  // connection would outlive it), and the name it took in the room is given back.
  if (!client.isOpen) return gateway.releaseRoom(admission.room, admission.ticket);
  const channel: Channel = {
    room: admission.room,
    admission,
    ownerKey: 'owner_key' in admission ? admission.owner_key : undefined,
    owner: info?.owner ?? ('owner_key' in admission ? admission.user : ''),
    topic: info?.topic ?? '',
    private: info?.private ?? Boolean(key),
    key,
    createdAt: info?.created_at ?? new Date().toISOString(),
    phase: 'joining',
    members: new Map(),
    lastSeen: undefined,
    pendingHistory: [],
  };
  client.channels.set(nameKey(channel.room), channel);
  gateway.hubSession(client).join(channel);
}

/** JOIN #a,#b [key1,key2] — or JOIN 0, which parts every channel. */
const JOIN: CommandSpec = {
  minParams: 1,
  async run(gateway, client, [names = '', keys = '']) {
    if (names === '0') {
      for (const channel of [...client.channels.values()]) partOne(gateway, client, channelName(channel), 'left all channels');
      return;
    }
    const keyList = keys.split(',');
    const list = names.split(',').filter(Boolean);
    for (const [i, name] of list.entries()) await joinOne(gateway, client, name, keyList[i] || undefined);
  },
};

function partOne(gateway: GatewayContext, client: IrcClient, name: string, reason: string | undefined): void {
  const room = roomOf(name);
  const channel = room ? client.channels.get(nameKey(room)) : undefined;
  if (!channel) return client.numeric(room ? 'ERR_NOTONCHANNEL' : 'ERR_NOSUCHCHANNEL', name, "You're not on that channel");
  client.channels.delete(nameKey(channel.room));
  client.hub?.leave(channel.room);
  client.send(
    { source: userSource(client.nick), command: 'PART', params: reason ? [channelName(channel), reason] : [channelName(channel)] },
    true,
  );
  gateway.releaseRoom(channel.room, channel.admission.ticket);
}

const PART: CommandSpec = {
  minParams: 1,
  run(gateway, client, [names = '', reason]) {
    for (const name of names.split(',').filter(Boolean)) partOne(gateway, client, name, reason);
  },
};

/** KICK #room nick [reason]: the owner kicks through the room service, which removes the name for good, everywhere. */
const KICK: CommandSpec = {
  minParams: 2,
  async run(gateway, client, [name = '', target = '', reason]) {
    const room = roomOf(name);
    const channel = room ? client.channels.get(nameKey(room)) : undefined;
    if (!channel) return client.numeric(room ? 'ERR_NOTONCHANNEL' : 'ERR_NOSUCHCHANNEL', name, "You're not on that channel");
    if (!channel.ownerKey)
      return client.numeric(
        'ERR_CHANOPRIVSNEEDED',
        name,
        `You're not channel operator: only the room's creator (${channel.owner}) can kick`,
      );
    try {
      await gateway.rooms.kick(channel.room, channel.ownerKey, target);
    } catch (error) {
      if (!(error instanceof RoomsFault)) throw error;
      return client.numeric('ERR_USERNOTINCHANNEL', target, name, error.message);
    }
    // Someone present sees the hub's KICK; a member who is not connected leaves no trace there.
    if (!channel.members.has(nameKey(target))) {
      client.send(
        {
          source: userSource(client.nick),
          command: 'KICK',
          params: [channelOf(channel.room), target, reason ?? `kicked by ${client.nick}`],
        },
        true,
      );
    }
  },
};

export const membershipCommands = { JOIN, PART, KICK };
