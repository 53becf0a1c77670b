import { brokerPullEndpoint, durationOption, integerOption } from '../../src/config/options.js';
import { defineService } from '../../src/runtime/definition.js';
import { listenOn } from '../../src/runtime/listen.js';
import { describeListenError } from '../../src/runtime/startup-error.js';
import type { DirectoryState, RoomChange } from './room-directory.js';

export const roomsService = defineService({
  name: 'rooms',
  describe: 'the room service: XML-RPC room management and hub tickets',
  options: {
    'ticket-ttl': durationOption('ticket-ttl', 'how long a ticket admits its holder to the hub', '12h', 1000),
    'ticket-renewal': durationOption(
      'ticket-renewal',
      'how long after its expiry a ticket can still be exchanged for a fresh one (join_room with the ticket)',
      '7d',
      0,
    ),
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
    'storage-reserve': integerOption(
      'storage-reserve',
      'bytes set aside in the data dir so the changes being written when the disk fills can still be finished',
      1024 * 1024,
      4096,
      1024 * 1024 * 1024,
    ),
    'passphrase-tries': integerOption(
      'passphrase-tries',
      'passphrase attempts per room and client address per window (ten times as many per room, and per address); then locked out, longer each time',
      5,
      1,
      1000,
    ),
    'passphrase-window': durationOption('passphrase-window', 'the window passphrase attempts are counted in', '1m', 1000),
    'passphrase-workers': integerOption(
      'passphrase-workers',
      'threads hashing passphrases at once (never the ones durable writes use)',
      1,
      1,
      64,
    ),
    'passphrase-queue': integerOption('passphrase-queue', 'passphrase checks that may wait; more are refused as busy', 64, 1, 100_000),
    'max-rooms': integerOption('max-rooms', 'rooms that may exist at once', 100_000, 1, 10_000_000),
    'max-rooms-per-user': integerOption('max-rooms-per-user', 'rooms one user name may create per hour', 1000, 1, 10_000_000),
    // Generous: on one machine every local client, and every gateway user, shares 127.0.0.1.
    'max-rooms-per-address': integerOption('max-rooms-per-address', 'rooms one client address may create per hour', 10_000, 1, 10_000_000),
  },
  async start({ config, args, logger }) {
    const [
      { EventPublisher },
      { lockDataDir },
      { loadTicketSecret },
      { Journal },
      { roomMethods },
      { RoomDirectory },
      { RoomOps },
      { createRpcServer },
      { configurePassphraseWork, stopPassphraseWork },
    ] = await Promise.all([
      import('../../src/events/publisher.js'),
      import('../../src/storage/data-dir-lock.js'),
      import('../../src/tickets/secret.js'),
      import('./journal.js'),
      import('./methods.js'),
      import('./room-directory.js'),
      import('./room-ops.js'),
      import('./rpc-server.js'),
      import('./passphrase.js'),
    ]);
    const lock = lockDataDir(config.dataDir, 'this room service');
    configurePassphraseWork(args.passphraseWorkers as number, args.passphraseQueue as number);
    const journal = new Journal<DirectoryState, RoomChange>(config.dataDir, {
      minCompactBytes: args.compactBytes as number,
      reserveBytes: args.storageReserve as number,
      onNotice: (notice) => {
        if (notice.kind === 'storage_full')
          logger.error(
            { where: notice.where },
            `the disk holding ${config.dataDir} is full: refusing changes (storage_full) until space is freed`,
          );
        else if (notice.kind === 'storage_available') logger.info('disk space is available again: accepting changes');
        else logger.warn({ reason: notice.reason }, 'compaction put off');
      },
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
      renewWindowMs: args.ticketRenewal as number,
      passphraseTries: args.passphraseTries as number,
      passphraseWindowMs: args.passphraseWindow as number,
      maxRooms: args.maxRooms as number,
      maxRoomsPerUser: args.maxRoomsPerUser as number,
      maxRoomsPerAddress: args.maxRoomsPerAddress as number,
      quotaWindowMs: 3_600_000,
    });
    ops.expireDue();
    const expiryTimer = setInterval(() => ops.expireDue(), args.expiryCheck as number);
    const server = createRpcServer(
      roomMethods(ops),
      { maxBodyBytes: args.maxBodyBytes as number, requestTimeoutMs: args.requestTimeout as number },
      logger,
    );
    await listenOn(server, { host: config.host, port: config.roomsPort }).catch((error: unknown) => {
      throw describeListenError(error, { service: 'rooms', host: config.host, port: config.roomsPort, flag: 'rooms-port' });
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
        lock.release();
        await Promise.all([events.close(), stopPassphraseWork()]);
      },
      stats: () => ({ rooms: ops.roomCount }),
    };
  },
});
