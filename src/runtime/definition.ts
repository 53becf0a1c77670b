import type { Options } from 'yargs';
import type { CommonConfig } from '../config/options.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceStats } from './handshake.js';

/** A started service; `stop` drains and closes it within its grace period. */
export interface RunningService {
  /** `reason` is a StopReason when the supervisor asked, or the signal's name. */
  stop(reason: string): Promise<void>;
  /** Its live figures, for `thiscord status` and the metrics (docs/control.md). */
  stats?(): ServiceStats;
}

interface ServiceContext {
  config: CommonConfig;
  /** Every parsed argument, including the service's own options (camelCase keys). */
  args: Record<string, unknown>;
  logger: Logger;
}

/**
 * One service as data: its name, its flags and how to start it. `thiscord serve <name>` and the
 * standalone entry `dist/bundle/<name>.js` (what the supervisor runs) are both built from
 * this. It is read by every `thiscord` command through the registry (src/stack/registry.ts), so it
 * stays light: `start` imports the service's implementation, never the module itself.
 */
export interface ServiceDefinition<Name extends string> {
  /** Also its folder under services/. */
  name: Name;
  describe: string;
  options: Record<string, Options>;
  start(context: ServiceContext): Promise<RunningService>;
}

/** Keeps the name's literal type, from which the registry derives `ServiceName`. */
export function defineService<const Name extends string>(definition: ServiceDefinition<Name>): ServiceDefinition<Name> {
  return definition;
}
