import { monitorEventLoopDelay } from 'node:perf_hooks';
import { brokerPullEndpoint, durationOption, hubLocalSocket, integerOption } from '../../src/config/options.js';
import { defineService } from '../../src/runtime/definition.js';
import type { HubLimits } from './limits.js';

export const hubService = defineService({
  name: 'hub',
  describe: 'the chat hub: real-time rooms over TCP for ticket holders',
  options: {
    'max-frame-bytes': integerOption(
      'max-frame-bytes',
      'longest frame (line) a client may send; longer: error, bye, close',
      64 * 1024,
      256,
      16 * 1024 * 1024,
    ),
    'max-text': integerOption('max-text', 'most characters in one message', 4000, 1, 1_000_000),
    rate: integerOption('rate', 'messages a second per user, across its connections (flood control)', 20, 1, 10_000_000),
    burst: integerOption('burst', 'messages a user may send in a burst, across its connections', 40, 1, 10_000_000),
    'max-connections': integerOption(
      'max-connections',
      'most simultaneous TCP connections (the local socket has as many again of its own)',
      10_000,
      1,
      1_000_000,
    ),
    'max-connections-per-address': integerOption(
      'max-connections-per-address',
      'most simultaneous TCP connections from one address',
      64,
      1,
      1_000_000,
    ),
    'max-connections-per-user': integerOption(
      'max-connections-per-user',
      'most simultaneous connections admitted under one user name',
      16,
      1,
      1_000_000,
    ),
    'max-output-bytes': integerOption(
      'max-output-bytes',
      'output queued for one client before it counts as too slow and is dropped',
      1024 * 1024,
      1024,
      1024 * 1024 * 1024,
    ),
    'idle-timeout': durationOption('idle-timeout', 'silence after which a client is pinged', '60s', 100),
    'ping-timeout': durationOption('ping-timeout', 'how long a pinged client has to answer before it is dropped', '10s', 100),
    'hello-timeout': durationOption('hello-timeout', 'how long a new connection has to send hello', '5s', 100),
    history: integerOption('history', 'messages per room replayed on join (0 turns history off); memory only', 50, 0, 10_000),
    grace: durationOption('grace', 'how long closing connections get to flush', '1s', 0),
    'presence-limit': integerOption(
      'presence-limit',
      'rooms with more members than this hear arrivals and departures as counts (presence_summary), not by name',
      200,
      0,
      1_000_000,
    ),
    'presence-interval': durationOption('presence-interval', 'how often a large room hears its presence_summary', '1s', 50),
    'turn-slice': durationOption(
      'turn-slice',
      'how long one turn of the event loop spends on work that can wait (new connections, input while the hub is behind) before pings and timers run again',
      '5ms',
      0,
    ),
  },
  async start({ config, args, logger }) {
    const [
      { EventPublisher },
      { loadTicketSecret },
      { eventSigningKey },
      { Hub },
      { listenOnPortAndSocket },
      { followRoomEvents },
      { RoomSync },
      { TicketGate },
    ] = await Promise.all([
      import('../../src/events/publisher.js'),
      import('../../src/tickets/secret.js'),
      import('../../src/events/signature.js'),
      import('./hub.js'),
      import('../../src/runtime/port-and-socket.js'),
      import('./room-events.js'),
      import('./room-sync.js'),
      import('./ticket-gate.js'),
    ]);
    const limits: HubLimits = {
      maxFrameBytes: args.maxFrameBytes as number,
      maxTextChars: args.maxText as number,
      ratePerSecond: args.rate as number,
      rateBurst: args.burst as number,
      maxConnections: args.maxConnections as number,
      maxConnectionsPerAddress: args.maxConnectionsPerAddress as number,
      maxConnectionsPerUser: args.maxConnectionsPerUser as number,
      maxOutputBytes: args.maxOutputBytes as number,
      idleTimeoutMs: args.idleTimeout as number,
      pingTimeoutMs: args.pingTimeout as number,
      helloTimeoutMs: args.helloTimeout as number,
      historySize: args.history as number,
      graceMs: args.grace as number,
      presenceLimit: args.presenceLimit as number,
      presenceIntervalMs: args.presenceInterval as number,
      turnSliceMs: args.turnSlice as number,
    };
    const events = new EventPublisher(brokerPullEndpoint(config));
    const secret = loadTicketSecret(config.dataDir);
    const eventKey = eventSigningKey(secret);
    const hub = new Hub(limits, new TicketGate(secret), events, logger);
    const socketPath = hubLocalSocket(config);
    try {
      await listenOnPortAndSocket(hub, { service: 'hub', flag: 'hub-port', host: config.host, port: config.hubPort, socketPath });
    } catch (error) {
      await events.close();
      throw error;
    }
    // The longest the hub went without turning its event loop since it started serving: a stall
    // this long is how late every client (and the supervisor's probe) was answered.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const sync = new RoomSync(config, eventKey, hub, logger);
    sync.start();
    const following = new AbortController();
    const roomEvents = followRoomEvents(config, hub, logger, following.signal, { key: eventKey, onConnect: () => sync.connected() });
    logger.info(
      { ready: true, endpoint: `${config.host}:${config.hubPort}`, local_socket: socketPath },
      `chat hub listening on ${config.host}:${config.hubPort}`,
    );
    return {
      async stop(reason) {
        sync.stop();
        loopDelay.disable();
        await hub.stop(reason === 'restart' ? 'server_restart' : 'server_shutdown');
        following.abort();
        await roomEvents;
        await events.close();
      },
      stats: () => ({
        connections: hub.connectionCount,
        rooms: hub.roomsInUse,
        messages_total: hub.messagesRelayed,
        loop_delay_max_ms: Math.round(loopDelay.max / 1e6),
      }),
    };
  },
});
