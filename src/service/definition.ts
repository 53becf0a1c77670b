import type { Options } from 'yargs';
import type { CommonConfig } from '../config/options.js';
import type { ServiceName } from '../events/types.js';
import type { Logger } from '../logging/logger.js';

/** A started service; `stop` drains and closes it within its grace period. */
export interface RunningService {
  stop(reason: string): Promise<void>;
}

export interface ServiceContext {
  config: CommonConfig;
  /** Every parsed argument, including the service's own options (camelCase keys). */
  args: Record<string, unknown>;
  logger: Logger;
}

/**
 * One service as data: its flags and how to start it. `thiscord serve <name>` and the standalone
 * entry `dist/services/<name>/main.js` (what the supervisor runs) are both built from this.
 */
export interface ServiceDefinition {
  name: ServiceName;
  describe: string;
  options: Record<string, Options>;
  start(context: ServiceContext): Promise<RunningService>;
}
