import { durationOption, hubLocalSocket, integerOption } from '../../src/config/options.js';
import { defineService } from '../../src/runtime/definition.js';
import { describeListenError } from '../../src/runtime/startup-error.js';
import { parseOriginList } from './origins.js';
import type { WebLimits } from './web-server.js';

export const webService = defineService({
  name: 'web',
  describe: 'the web client: the chat page, a JSON API for rooms, and the hub over WebSocket',
  options: {
    'web-origin': {
      describe: 'more origins the page is served under (comma-separated, e.g. http://chat.example:8080); the bound address is always one',
      type: 'string',
      default: '',
      coerce: (v: unknown) => parseOriginList('web-origin', v),
    },
    // Same name as the hub's flag (and THISCORD_MAX_FRAME_BYTES for both): a browser's frame limit is the hub's.
    'max-frame-bytes': integerOption(
      'max-frame-bytes',
      'the hub frame limit; WebSocket messages over twice this are cut off',
      64 * 1024,
      256,
      16 * 1024 * 1024,
    ),
    'web-max-clients': integerOption('web-max-clients', 'most WebSocket connections at once', 10_000, 1, 1_000_000),
    'web-clients-per-address': integerOption('web-clients-per-address', 'most WebSocket connections from one address', 64, 1, 1_000_000),
    'web-max-body-bytes': integerOption(
      'web-max-body-bytes',
      'largest JSON API request body (larger: HTTP 413)',
      16 * 1024,
      256,
      1024 * 1024,
    ),
    'web-api-in-flight': integerOption('web-api-in-flight', 'room-service calls in flight at once (more: HTTP 503)', 64, 1, 10_000),
    'web-request-timeout': durationOption('web-request-timeout', 'an HTTP request must arrive completely within this time', '10s', 100),
    'web-grace': durationOption('web-grace', 'how long closing connections get to flush', '1s', 0),
  },
  async start({ config, args, logger }) {
    const [{ WebServer }, { AllowedOrigins }, { roomApi }, { loadStaticFiles }, { RoomsClient }] = await Promise.all([
      import('./web-server.js'),
      import('./origins.js'),
      import('./room-api.js'),
      import('./static-files.js'),
      import('../../src/clients/rooms/rooms-client.js'),
    ]);
    const limits: WebLimits = {
      maxFrameBytes: args.maxFrameBytes as number,
      maxClients: args.webMaxClients as number,
      maxClientsPerAddress: args.webClientsPerAddress as number,
      requestTimeoutMs: args.webRequestTimeout as number,
      graceMs: args.webGrace as number,
    };
    const origins = AllowedOrigins.forListener(config.host, config.webPort, args.webOrigin as string[]);
    const rooms = new RoomsClient({ host: config.host, port: config.roomsPort });
    const api = roomApi(rooms, { maxBodyBytes: args.webMaxBodyBytes as number, maxInFlight: args.webApiInFlight as number }, logger);
    // The hub's local socket: the web service applies per-address limits to browsers itself, so they
    // must not share the hub's per-address quota for this process's address with each other.
    const bridge = { hub: { path: hubLocalSocket(config) }, graceMs: limits.graceMs };
    const server = new WebServer(loadStaticFiles(), origins, api, bridge, limits, logger);
    try {
      await server.listen(config.host, config.webPort);
    } catch (error) {
      throw describeListenError(error, { service: 'web', host: config.host, port: config.webPort, flag: 'web-port' });
    }
    const endpoint = webEndpoint(config);
    logger.info({ ready: true, endpoint, origins: origins.list }, `web client on ${endpoint}`);
    return { stop: () => server.stop() };
  },
});

/** The page's address, for the log, the banner and the supervisor's probe. */
export function webEndpoint(config: { host: string; webPort: number }): string {
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.webPort}/`;
}
