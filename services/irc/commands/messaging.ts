import { nameKey } from '../../../src/protocol/names.js';
import { roomOf } from '../channel.js';
import { textFromIrc } from '../text-lines.js';
import type { CommandSpec } from './command.js';

/**
 * PRIVMSG and NOTICE to a channel become a hub `say` in its room. Private messages between users
 * are not offered (401). Per the protocol, a NOTICE never draws an error reply.
 */
function messageCommand(command: 'PRIVMSG' | 'NOTICE'): CommandSpec {
  return {
    minParams: 0,
    run(_gateway, client, [targets, text]) {
      const fail: typeof client.numeric = (...args) => (command === 'PRIVMSG' ? client.numeric(...args) : undefined);
      if (!targets) return fail('ERR_NORECIPIENT', `No recipient given (${command})`);
      if (text === undefined || text === '') return fail('ERR_NOTEXTTOSEND', 'No text to send');
      if (targets.includes(',')) return fail('ERR_TOOMANYTARGETS', targets, 'Too many recipients: one target per message');
      if (!targets.startsWith('#')) {
        return fail('ERR_NOSUCHNICK', targets, 'Private messages are not offered on ThisCord; talk in a channel');
      }
      const room = roomOf(targets);
      const channel = room ? client.channels.get(nameKey(room)) : undefined;
      if (!channel || !client.hub) return fail('ERR_CANNOTSENDTOCHAN', targets, 'Cannot send to channel: join it first');
      const said = textFromIrc(text);
      if (said !== undefined) client.hub.say(command, channel.room, said, text);
    },
  };
}

export const messagingCommands = { PRIVMSG: messageCommand('PRIVMSG'), NOTICE: messageCommand('NOTICE') };
