import { durationOption, integerOption } from '../../src/config/options.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/events/envelope.js';
import type { ServiceDefinition } from '../../src/service/definition.js';
import { Broker } from './broker.js';

export const brokerService: ServiceDefinition = {
  name: 'broker',
  describe: 'the ZeroMQ event broker: PULL from publishers, PUB to subscribers',
  options: {
    'max-event-bytes': integerOption(
      'max-event-bytes',
      'largest event frame accepted; larger ones are dropped and counted',
      DEFAULT_MAX_EVENT_BYTES,
      64,
      64 * 1024 * 1024,
    ),
    'stats-interval': durationOption('stats-interval', 'how often to publish broker.stats on system/broker (0 turns it off)', '10s'),
    'subscriber-hwm': integerOption(
      'subscriber-hwm',
      'events queued per subscriber before ZeroMQ drops for that slow subscriber',
      100_000,
      1,
      10_000_000,
    ),
  },
  async start({ config, args, logger }) {
    const broker = new Broker(
      {
        host: config.host,
        pullPort: config.brokerPullPort,
        pubPort: config.brokerPubPort,
        maxEventBytes: args.maxEventBytes as number,
        statsIntervalMs: args.statsInterval as number,
        subscriberHighWaterMark: args.subscriberHwm as number,
      },
      logger,
    );
    await broker.start();
    logger.info(
      { ready: true, pull: `tcp://${config.host}:${config.brokerPullPort}`, pub: `tcp://${config.host}:${config.brokerPubPort}` },
      `broker listening: PULL ${config.host}:${config.brokerPullPort}, PUB ${config.host}:${config.brokerPubPort}`,
    );
    return {
      async stop() {
        await broker.stop();
        logger.info(broker.counts, 'broker closed');
      },
    };
  },
};
