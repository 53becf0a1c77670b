import type { CommonConfig } from '../src/config/options.js';
import { freePorts } from './ports.js';

/**
 * A whole stack's configuration for a test or a benchmark: loopback, six free ports from this
 * checkout's range (never the defaults, so a running stack is left alone), JSON logs. Hand it to
 * processes with `commonConfigToEnv`, as the supervisor does to its children, so that every
 * THISCORD_* variable is spelled in one place.
 */
export async function loopbackStackConfig(dataDir: string, logLevel: CommonConfig['logLevel'] = 'info'): Promise<CommonConfig> {
  const [hubPort, roomsPort, brokerPullPort, brokerPubPort, ircPort, webPort] = (await freePorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { host: '127.0.0.1', hubPort, ircPort, webPort, roomsPort, brokerPullPort, brokerPubPort, dataDir, logLevel, logFormat: 'json' };
}
