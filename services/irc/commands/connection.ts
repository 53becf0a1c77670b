import { SERVER_NAME } from '../irc-client.js';
import { sendMotd } from '../welcome.js';
import type { CommandSpec } from './command.js';

const PING: CommandSpec = {
  minParams: 0,
  beforeRegistration: true,
  run(_gateway, client, [token]) {
    if (!token) return client.numeric('ERR_NOORIGIN', 'No origin specified: PING needs a token');
    client.send({ source: SERVER_NAME, command: 'PONG', params: [SERVER_NAME, token] }, true);
  },
};

/** Any line resets the idle deadline (IrcClient.receive); a PONG needs nothing more. */
const PONG: CommandSpec = { minParams: 0, beforeRegistration: true, run() {} };

const QUIT: CommandSpec = {
  minParams: 0,
  beforeRegistration: true,
  run(_gateway, client, [reason]) {
    client.quitReason = reason ? `Quit: ${reason}` : 'Quit';
    client.close(client.quitReason);
  },
};

const MOTD: CommandSpec = {
  minParams: 0,
  run(gateway, client) {
    sendMotd(client, gateway.motd);
  },
};

export const connectionCommands = { PING, PONG, QUIT, MOTD };
