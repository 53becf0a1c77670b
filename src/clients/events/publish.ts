import { EventPublisher } from '../../events/publisher.js';

export class BrokerUnreachableError extends Error {
  override name = 'BrokerUnreachableError';
  readonly userFacing = true;
}

/**
 * Sends one event and resolves only once it has been handed to a connected broker; ZeroMQ's linger
 * then flushes it before the process exits, so nothing published is lost on exit.
 */
export async function publishOnce(endpoint: string, topic: string, payload: unknown, timeoutMs: number): Promise<void> {
  const publisher = new EventPublisher(endpoint, { lingerMs: timeoutMs });
  try {
    if (!(await publisher.waitConnected(timeoutMs))) {
      throw new BrokerUnreachableError(
        `cannot reach the event broker at ${endpoint} within ${timeoutMs} ms; start the stack with "npm run up", or pass --host / --broker-pull-port`,
      );
    }
    publisher.publishTo(topic, payload);
  } finally {
    await publisher.close();
  }
  if (publisher.counts.sent !== 1) throw new BrokerUnreachableError(`the event could not be queued for the broker at ${endpoint}`);
}
