import { brokerService } from '../../services/broker/service.js';
import { hubService } from '../../services/hub/service.js';
import { ircService } from '../../services/irc/service.js';
import { roomsService } from '../../services/rooms/service.js';
import { webEndpoint, webService } from '../../services/web/service.js';
import { brokerPubEndpoint, brokerPullEndpoint, type CommonConfig, hubLocalSocket, ircLocalSocket } from '../config/options.js';
import type { ServiceDefinition } from '../runtime/definition.js';
import type { ListenTarget } from '../runtime/startup-error.js';
import type { Probe } from '../supervisor/probes/probe.js';

/**
 * OTP's restart types: `permanent` is restarted whenever it exits, `transient` only when it exits
 * abnormally (a non-zero code or a signal), `temporary` never.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** The colour a service's name has in the pretty log. Yellow is the supervisor's; red means an error. */
const LOG_COLOURS = {
  cyan: 36,
  magenta: 35,
  green: 32,
  blue: 34,
  white: 37,
  brightCyan: 96,
  brightMagenta: 95,
  brightGreen: 92,
} as const;
type LogColour = keyof typeof LOG_COLOURS;

/** What the stack knows about one service: everything `serve`, `up` and the log derive from. */
export interface ServiceEntry<Name extends string = string> {
  /** Its name, flags and start-up, from services/<name>/service.ts; the supervisor runs dist/bundle/<name>.js. */
  service: ServiceDefinition<Name>;
  /**
   * What it needs in order to be of use: `--only` brings these along, and it is stopped before them.
   * Its start does not wait for them (as with systemd's socket activation): its own port is held
   * from the start (heldPorts), ZeroMQ connects whenever the broker comes, the hub retries its room
   * sync and the gateways reach the hub and the room service per client, so the whole stack starts
   * at once.
   */
  dependsOn: readonly string[];
  restart: RestartType;
  /** SIGTERM, then SIGKILL after this long; `up --stop-grace` overrides it. Default 5 s. */
  stopGraceMs?: number;
  colour: LogColour;
  /** Where it listens, for the banner and `up`'s JSON record. */
  endpoint(config: CommonConfig): string;
  /** Its readiness and liveness check. Imported when first used, so reading the registry stays cheap. */
  probe(config: CommonConfig): Promise<Probe>;
  /** Set on the event broker alone: lifecycle events are held while it is down (src/supervisor/event-hold.ts). */
  carriesEvents?: boolean;
  /**
   * Its TCP ports, which the supervisor binds and hands to each of its processes so that a restart
   * refuses no connection (src/supervisor/held-sockets.ts). The broker's are ZeroMQ's to bind.
   */
  heldPorts?(config: CommonConfig): ListenTarget[];
}

/**
 * Every service of the stack, in start order where dependencies allow. Adding a service is a folder
 * services/<name>/ (service.ts with `defineService`, main.ts calling `serviceMain`) and one entry
 * here; see docs/architecture.md.
 */
export const SERVICE_REGISTRY = [
  {
    service: brokerService,
    dependsOn: [],
    restart: 'permanent',
    colour: 'cyan',
    carriesEvents: true,
    endpoint: (c) => `PULL ${brokerPullEndpoint(c)}, PUB ${brokerPubEndpoint(c)}`,
    probe: async (c) => new (await import('../supervisor/probes/broker-probe.js')).BrokerProbe(brokerPullEndpoint(c), brokerPubEndpoint(c)),
  },
  {
    service: roomsService,
    dependsOn: ['broker'],
    restart: 'permanent',
    colour: 'magenta',
    endpoint: (c) => `http://${c.host}:${c.roomsPort}/RPC2`,
    heldPorts: (c) => [{ service: 'rooms', host: c.host, port: c.roomsPort, flag: 'rooms-port' }],
    probe: async (c) => new (await import('../supervisor/probes/rooms-probe.js')).RoomsProbe(c.host, c.roomsPort),
  },
  {
    service: hubService,
    dependsOn: ['broker', 'rooms'],
    restart: 'permanent',
    colour: 'green',
    endpoint: (c) => `tcp://${c.host}:${c.hubPort}`,
    heldPorts: (c) => [{ service: 'hub', host: c.host, port: c.hubPort, flag: 'hub-port' }],
    // Its local socket: outside the client connection quotas, so a hub full of clients is still probed.
    probe: async (c) => new (await import('../supervisor/probes/hub-probe.js')).HubProbe({ path: hubLocalSocket(c) }),
  },
  {
    service: ircService,
    dependsOn: ['rooms', 'hub'],
    restart: 'permanent',
    colour: 'brightMagenta',
    endpoint: (c) => `irc://${c.host}:${c.ircPort}`,
    heldPorts: (c) => [{ service: 'irc', host: c.host, port: c.ircPort, flag: 'irc-port' }],
    // Its local socket: outside the client caps, so a gateway full of clients is still probed.
    probe: async (c) => new (await import('../supervisor/probes/irc-probe.js')).IrcProbe({ path: ircLocalSocket(c) }),
  },
  {
    service: webService,
    dependsOn: ['rooms', 'hub'],
    restart: 'permanent',
    colour: 'brightCyan',
    endpoint: webEndpoint,
    heldPorts: (c) => [{ service: 'web', host: c.host, port: c.webPort, flag: 'web-port' }],
    // The page as a browser gets it; not through to the hub, whose restarts are its own.
    probe: async (c) => new (await import('../supervisor/probes/web-probe.js')).WebProbe(c.host, c.webPort),
  },
] as const satisfies readonly ServiceEntry[];

/** A service the supervisor runs: broker, rooms, hub, … */
export type ServiceName = (typeof SERVICE_REGISTRY)[number]['service']['name'];
/** Every process that logs and publishes events: the services, the supervisor, and the CLI (`thiscord publish`). */
export type StackProcess = ServiceName | 'supervisor' | 'cli';

export const SERVICE_NAMES: readonly ServiceName[] = SERVICE_REGISTRY.map((entry) => entry.service.name);

/** The supervisor's own colour in the pretty log. */
const SUPERVISOR_COLOUR = 33;

/** ANSI colour codes by log source, for the pretty log. */
export function logColours(registry: readonly ServiceEntry[] = SERVICE_REGISTRY): Record<string, number> {
  return { ...Object.fromEntries(registry.map((entry) => [entry.service.name, LOG_COLOURS[entry.colour]])), supervisor: SUPERVISOR_COLOUR };
}

// Compile-time checks: a definition typed with a wide `string` name would make every name type `string`,
// and a dependency must name a service of the registry.
type Dependency = (typeof SERVICE_REGISTRY)[number]['dependsOn'][number];
const namesAreLiteral: string extends ServiceName ? 'a service definition lost its literal name: use defineService' : true = true;
const dependenciesKnown: Exclude<Dependency, ServiceName> extends never ? true : Exclude<Dependency, ServiceName> = true;
void namesAreLiteral;
void dependenciesKnown;
