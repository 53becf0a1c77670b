import { readFileSync } from 'node:fs';
import { durationOption, hubLocalSocket, integerOption, ircLocalSocket } from '../../src/config/options.js';
import { defineService } from '../../src/runtime/definition.js';
import { StartupError } from '../../src/runtime/startup-error.js';
import type { IrcLimits } from './limits.js';

function readMotd(file: unknown): string[] | undefined {
  if (typeof file !== 'string' || file === '') return undefined;
  try {
    return readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((line, i, all) => line !== '' || i < all.length - 1);
  } catch (error) {
    throw new StartupError(
      `cannot read the MOTD file ${file} (${(error as Error).message}); pass --irc-motd-file with a readable file, or leave it out`,
    );
  }
}

export const ircService = defineService({
  name: 'irc',
  describe: 'the IRC gateway: stock IRC clients in ThisCord rooms',
  options: {
    'irc-max-clients': integerOption('irc-max-clients', 'most simultaneous IRC connections', 1000, 1, 100_000),
    'irc-clients-per-address': integerOption(
      'irc-clients-per-address',
      'most simultaneous IRC connections from one address',
      64,
      1,
      100_000,
    ),
    'irc-line-rate': integerOption(
      'irc-line-rate',
      'lines a second per client once its burst is spent (more wait: fake lag)',
      10,
      1,
      1_000_000,
    ),
    'irc-line-burst': integerOption('irc-line-burst', 'lines a client may send at once before the rate applies', 20, 1, 1_000_000),
    'irc-max-queued-lines': integerOption(
      'irc-max-queued-lines',
      'lines waiting for the flood limit before a client is dropped (Excess Flood)',
      100,
      1,
      1_000_000,
    ),
    'irc-max-output-bytes': integerOption(
      'irc-max-output-bytes',
      'output queued for one client before it is dropped (SendQ exceeded)',
      1024 * 1024,
      4096,
      1024 * 1024 * 1024,
    ),
    'irc-max-channels': integerOption('irc-max-channels', 'channels one client may be in', 50, 1, 10_000),
    'irc-registration-timeout': durationOption(
      'irc-registration-timeout',
      'how long a new connection has to register (NICK, USER)',
      '30s',
      100,
    ),
    'irc-idle-timeout': durationOption('irc-idle-timeout', 'silence after which a client is sent PING', '90s', 100),
    'irc-ping-timeout': durationOption('irc-ping-timeout', 'how long a pinged client has to answer before it is dropped', '30s', 100),
    'irc-password': { describe: 'server password clients must give with PASS (default: none)', type: 'string' },
    'irc-motd-file': { describe: 'a text file shown as the message of the day (default: none, 422)', type: 'string' },
  },
  async start({ config, args, logger }) {
    const [{ Gateway }, { listenOnPortAndSocket }] = await Promise.all([
      import('./gateway.js'),
      import('../../src/runtime/port-and-socket.js'),
    ]);
    const limits: IrcLimits = {
      maxClients: args.ircMaxClients as number,
      clientsPerAddress: args.ircClientsPerAddress as number,
      lineRate: args.ircLineRate as number,
      lineBurst: args.ircLineBurst as number,
      maxQueuedLines: args.ircMaxQueuedLines as number,
      maxOutputBytes: args.ircMaxOutputBytes as number,
      maxChannels: args.ircMaxChannels as number,
      registrationTimeoutMs: args.ircRegistrationTimeout as number,
      idleTimeoutMs: args.ircIdleTimeout as number,
      pingTimeoutMs: args.ircPingTimeout as number,
    };
    const password = typeof args.ircPassword === 'string' && args.ircPassword !== '' ? args.ircPassword : undefined;
    const gateway = new Gateway(
      {
        limits,
        password,
        motd: readMotd(args.ircMotdFile),
        // The hub's local socket: the gateway applies per-address limits to its own clients, so its
        // users must not share the hub's per-address quota for 127.0.0.1 with each other.
        hub: { host: config.host, port: config.hubPort, socketPath: hubLocalSocket(config) },
        rooms: { host: config.host, port: config.roomsPort },
      },
      logger,
    );
    const socketPath = ircLocalSocket(config);
    await listenOnPortAndSocket(gateway, { service: 'IRC gateway', flag: 'irc-port', host: config.host, port: config.ircPort, socketPath });
    logger.info(
      { ready: true, endpoint: `${config.host}:${config.ircPort}`, local_socket: socketPath },
      `IRC gateway listening on ${config.host}:${config.ircPort}`,
    );
    return {
      async stop() {
        await gateway.stop();
      },
    };
  },
});
