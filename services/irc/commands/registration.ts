import { isValidName, NAME_RULE } from '../../../src/protocol/names.js';
import { CAPABILITIES, type Capability, type IrcClient, SERVER_NAME, userSource } from '../irc-client.js';
import type { CommandSpec } from './command.js';

const isCapability = (name: string): name is Capability => (CAPABILITIES as readonly string[]).includes(name);

function capReply(client: IrcClient, sub: string, text: string): void {
  client.send({ source: SERVER_NAME, command: 'CAP', params: [client.nick, sub, text] }, true);
}

/** CAP LS [302], LIST, REQ, END (IRCv3 capability negotiation). REQ is all or nothing. */
const CAP: CommandSpec = {
  minParams: 1,
  beforeRegistration: true,
  run(gateway, client, [sub = '', arg = '']) {
    switch (sub.toUpperCase()) {
      case 'LS':
        if (!client.registration.isRegistered) client.registration.beginNegotiation();
        return capReply(client, 'LS', CAPABILITIES.join(' '));
      case 'LIST':
        return capReply(client, 'LIST', [...client.caps].join(' '));
      case 'REQ': {
        if (!client.registration.isRegistered) client.registration.beginNegotiation();
        const asked = arg.split(' ').filter(Boolean);
        const known = asked.every((cap) => isCapability(cap.replace(/^-/, '')));
        if (!known || asked.length === 0) return capReply(client, 'NAK', arg);
        for (const cap of asked) {
          if (cap.startsWith('-')) client.caps.delete(cap.slice(1) as Capability);
          else client.caps.add(cap as Capability);
        }
        return capReply(client, 'ACK', arg);
      }
      case 'END':
        client.registration.endNegotiation();
        return gateway.completeRegistration(client);
      default:
        return client.numeric('ERR_INVALIDCAPCMD', sub, 'Invalid CAP command; this gateway knows LS, LIST, REQ and END');
    }
  },
};

const PASS: CommandSpec = {
  minParams: 1,
  beforeRegistration: true,
  run(_gateway, client, [password]) {
    if (client.registration.isRegistered) return client.numeric('ERR_ALREADYREGISTERED', 'You may not reregister');
    client.registration.passwordGiven = password;
  },
};

/** A nick is a ThisCord name (1–32 letters, digits, "_", "-", "."), unique on the gateway regardless of case. */
const NICK: CommandSpec = {
  minParams: 0,
  beforeRegistration: true,
  run(gateway, client, [nick]) {
    if (!nick) return client.numeric('ERR_NONICKNAMEGIVEN', 'No nickname given');
    if (!isValidName(nick)) return client.numeric('ERR_ERRONEUSNICKNAME', nick, `Erroneous nickname: a nick is ${NAME_RULE}`);
    const current = client.registration.nick;
    if (current === nick) return;
    if (client.registration.isRegistered && client.channels.size > 0) {
      return client.numeric(
        'ERR_NICKLOCKED',
        nick,
        'Cannot change nickname while in channels: your name is your membership; PART them first',
      );
    }
    if (!gateway.claimNick(client, nick)) return client.numeric('ERR_NICKNAMEINUSE', nick, 'Nickname is already in use');
    client.registration.nick = nick;
    if (client.registration.isRegistered && current !== undefined) {
      client.send({ source: userSource(current), command: 'NICK', params: [nick] });
      return;
    }
    gateway.completeRegistration(client);
  },
};

const USER: CommandSpec = {
  minParams: 4,
  beforeRegistration: true,
  run(gateway, client, [username, , , realname]) {
    if (client.registration.isRegistered || client.registration.username !== undefined) {
      return client.numeric('ERR_ALREADYREGISTERED', 'You may not reregister');
    }
    client.registration.username = username!;
    client.registration.realname = realname ?? '';
    gateway.completeRegistration(client);
  },
};

export const registrationCommands = { CAP, PASS, NICK, USER };
