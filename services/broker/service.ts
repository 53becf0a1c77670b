import { durationOption, integerOption } from '../../src/config/options.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/events/envelope.js';
import { defineService } from '../../src/runtime/definition.js';
import { StartupError } from '../../src/runtime/startup-error.js';
import { highWaterMarks } from './broker-budget.js';

export const brokerService = defineService({
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
    'max-queued-bytes': integerOption(
      'max-queued-bytes',
      'bytes the broker may hold queued in all, publishers and subscribers together; each queue is bounded from it',
      1024 * 1024 * 1024,
      64 * 1024,
      64 * 1024 * 1024 * 1024,
    ),
    'max-publishers': integerOption(
      'max-publishers',
      'publisher connections held at once; more are refused until one leaves',
      16,
      1,
      100_000,
    ),
    'max-subscribers': integerOption(
      'max-subscribers',
      'subscriber connections held at once; more are refused until one leaves',
      16,
      1,
      100_000,
    ),
  },
  async start({ config, args, logger }) {
    const budget = {
      maxQueuedBytes: args.maxQueuedBytes as number,
      maxEventBytes: args.maxEventBytes as number,
      maxPublishers: args.maxPublishers as number,
      maxSubscribers: args.maxSubscribers as number,
    };
    const marks = highWaterMarks(budget);
    if ('error' in marks) throw new StartupError(marks.error);
    const { Broker } = await import('./broker.js');
    const broker = new Broker(
      {
        ...budget,
        host: config.host,
        pullPort: config.brokerPullPort,
        pubPort: config.brokerPubPort,
        statsIntervalMs: args.statsInterval as number,
        marks,
      },
      logger,
    );
    await broker.start();
    logger.info(
      {
        ready: true,
        queue_marks: marks,
        pull: `tcp://${config.host}:${config.brokerPullPort}`,
        pub: `tcp://${config.host}:${config.brokerPubPort}`,
      },
      `broker listening: PULL ${config.host}:${config.brokerPullPort}, PUB ${config.host}:${config.brokerPubPort}`,
    );
    return {
      async stop() {
        await broker.stop();
        logger.info(broker.counts, 'broker closed');
      },
      stats: () => {
        const counts = broker.counts;
        return { events_total: counts.published, received_total: counts.received, dropped_total: counts.dropped };
      },
    };
  },
});
