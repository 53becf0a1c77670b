import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerPubEndpoint, brokerPullEndpoint, type CommonConfig, commonConfigToEnv, hubLocalSocket } from '../config/options.js';
import type { ServiceName } from '../events/types.js';
import { BrokerProbe } from './probes/broker-probe.js';
import { HubProbe } from './probes/hub-probe.js';
import type { Probe } from './probes/probe.js';
import { RoomsProbe } from './probes/rooms-probe.js';

/**
 * One supervised service as data (after OTP's child specs): the supervisor has no code path of
 * its own for any service.
 */
export interface ChildSpec {
  name: ServiceName;
  /** The compiled entry point, run with this Node. */
  entry: string;
  env: Record<string, string>;
  dependsOn: ServiceName[];
  /** Makes the probe used for readiness and liveness. */
  probe: () => Probe;
  /** Always restarted when it exits unexpectedly (OTP's "permanent"). */
  restart: 'permanent';
  stopGraceMs: number;
  /** Where it listens, for the banner. */
  endpoint: string;
  /** The event broker itself: lifecycle events wait for it while it is down (see Supervisor). */
  carriesEvents: boolean;
}

const servicesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../services');
const entryOf = (name: ServiceName): string => path.join(servicesDir, name, 'main.js');

export function stackSpecs(config: CommonConfig, stopGraceMs: number): ChildSpec[] {
  // Children always log JSON: making it readable is the supervisor's job, at the edge.
  const env = { ...commonConfigToEnv(config), THISCORD_LOG_FORMAT: 'json' };
  const base = { env, restart: 'permanent' as const, stopGraceMs, carriesEvents: false };
  return [
    {
      ...base,
      name: 'broker',
      entry: entryOf('broker'),
      dependsOn: [],
      probe: () => new BrokerProbe(brokerPullEndpoint(config), brokerPubEndpoint(config)),
      carriesEvents: true,
      endpoint: `PULL tcp://${config.host}:${config.brokerPullPort}, PUB tcp://${config.host}:${config.brokerPubPort}`,
    },
    {
      ...base,
      name: 'rooms',
      entry: entryOf('rooms'),
      dependsOn: ['broker'],
      probe: () => new RoomsProbe(config.host, config.roomsPort),
      endpoint: `http://${config.host}:${config.roomsPort}/RPC2`,
    },
    {
      ...base,
      name: 'hub',
      entry: entryOf('hub'),
      dependsOn: ['broker', 'rooms'],
      probe: () => new HubProbe({ path: hubLocalSocket(config) }),
      endpoint: `tcp://${config.host}:${config.hubPort}`,
    },
  ];
}
