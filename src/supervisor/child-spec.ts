import { type CommonConfig, commonConfigToEnv } from '../config/options.js';
import type { ListenTarget } from '../runtime/startup-error.js';
import { serviceEntry } from '../stack/entry-points.js';
import { type RestartType, SERVICE_REGISTRY, type ServiceEntry } from '../stack/registry.js';
import type { Probe } from './probes/probe.js';

/** Used when neither `up --stop-grace` nor the service's registry entry says otherwise. */
const DEFAULT_STOP_GRACE_MS = 5000;

/**
 * One supervised service as data (after OTP's child specs), made from its registry entry: the
 * supervisor has no code path of its own for any service.
 */
export interface ChildSpec {
  name: string;
  /** The compiled entry point, run with this Node. */
  entry: string;
  env: Record<string, string>;
  dependsOn: readonly string[];
  /** Makes the probe used for readiness and liveness. */
  probe: () => Promise<Probe>;
  restart: RestartType;
  stopGraceMs: number;
  /** Where it listens, for the banner. */
  endpoint: string;
  /** The event broker itself: lifecycle events wait for it while it is down (see event-hold.ts). */
  carriesEvents: boolean;
  /** TCP ports the supervisor holds for it across restarts (held-sockets.ts); port 0 (any free port) is left to the service. */
  heldPorts: ListenTarget[];
}

/** The child specs of every registered service; `stopGraceMs` (from `up --stop-grace`) overrides each entry's own. */
export function childSpecs(
  config: CommonConfig,
  stopGraceMs: number | undefined,
  registry: readonly ServiceEntry[] = SERVICE_REGISTRY,
): ChildSpec[] {
  // Children always log JSON: making it readable is the supervisor's job, at the edge.
  const env = { ...commonConfigToEnv(config), THISCORD_LOG_FORMAT: 'json' };
  return registry.map((entry) => ({
    name: entry.service.name,
    entry: serviceEntry(entry.service.name),
    env,
    dependsOn: entry.dependsOn,
    probe: () => entry.probe(config),
    restart: entry.restart,
    stopGraceMs: stopGraceMs ?? entry.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
    endpoint: entry.endpoint(config),
    carriesEvents: entry.carriesEvents ?? false,
    heldPorts: (entry.heldPorts?.(config) ?? []).filter((target) => target.port !== 0),
  }));
}
