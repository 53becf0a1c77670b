import { brokerPullEndpoint, durationOption, integerOption } from '../../src/config/options.js';
import { defineService } from '../../src/runtime/definition.js';
import { describeListenError } from '../../src/runtime/startup-error.js';
import type { DirectoryState, RoomChange } from './room-directory.js';

export const roomsService = defineService({
  name: 'rooms',
  describe: 'the room service: XML-RPC room management and hub tickets',
  options: {
    'ticket-ttl': durationOption('ticket-ttl', 'how long a ticket admits its holder to the hub', '12h', 1000),
    'max-body-bytes': integerOption(
      'max-body-bytes',
      'largest XML-RPC request body accepted (larger: HTTP 413)',
      1024 * 1024,
      1024,
      64 * 1024 * 1024,
    ),
    'request-timeout': durationOption('request-timeout', 'a request must arrive completely within this time', '10s', 100),
    'expiry-check': durationOption('expiry-check', 'how often temporary rooms are checked for expiry', '1s', 50),
    'compact-bytes': integerOption(
      'compact-bytes',
      'the journal is folded into a snapshot once it is this large and larger than the last snapshot',
      1024 * 1024,
      1024,
      1024 * 1024 * 1024,
    ),
    'passphrase-tries': integerOption('passphrase-tries', 'wrong passphrases allowed per room and client address per minute', 5, 1, 1000),
  },
  async start({ config, args, logger }) {
    const [{ EventPublisher }, { loadTicketSecret }, { Journal }, { roomMethods }, { RoomDirectory }, { RoomOps }, { createRpcServer }] =
      await Promise.all([
        import('../../src/events/publisher.js'),
        import('../../src/tickets/secret.js'),
        import('./journal.js'),
        import('./methods.js'),
        import('./room-directory.js'),
        import('./room-ops.js'),
        import('./rpc-server.js'),
      ]);
    const journal = new Journal<DirectoryState, RoomChange>(config.dataDir, {
      minCompactBytes: args.compactBytes as number,
      onFailure: (error) => {
        // Fail-stop: memory is now ahead of the disk, so restart (the supervisor does) from what is on it.
        logger.fatal(
          { err: error },
          `cannot write the room journal in ${config.dataDir} (${error.message}); stopping so that a restart recovers from disk — check free space and permissions`,
        );
        process.exit(1);
      },
    });
    const recovered = journal.open();
    if (recovered.discardedBytes > 0)
      logger.warn({ bytes: recovered.discardedBytes }, 'cut off a torn journal tail (a write interrupted by a crash, never acknowledged)');
    const directory = RoomDirectory.from(recovered.snapshot, recovered.changes);
    const events = new EventPublisher(brokerPullEndpoint(config));
    const ops = new RoomOps(directory, journal, loadTicketSecret(config.dataDir), events, logger, {
      ticketTtlMs: args.ticketTtl as number,
      hub: { host: config.host, port: config.hubPort },
      passphraseTries: args.passphraseTries as number,
      passphraseWindowMs: 60_000,
    });
    ops.expireDue();
    const expiryTimer = setInterval(() => ops.expireDue(), args.expiryCheck as number);
    const server = createRpcServer(
      roomMethods(ops),
      { maxBodyBytes: args.maxBodyBytes as number, requestTimeoutMs: args.requestTimeout as number },
      logger,
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(describeListenError(error, { service: 'rooms', host: config.host, port: config.roomsPort, flag: 'rooms-port' })),
      );
      server.listen(config.roomsPort, config.host, resolve);
    });
    logger.info(
      { ready: true, endpoint: `http://${config.host}:${config.roomsPort}/RPC2`, rooms: ops.roomCount, replayed: recovered.changes.length },
      `room service listening on http://${config.host}:${config.roomsPort}/RPC2 with ${ops.roomCount} room(s)`,
    );
    return {
      async stop() {
        clearInterval(expiryTimer);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        journal.close();
        await events.close();
      },
      stats: () => ({ rooms: ops.roomCount }),
    };
  },
});
