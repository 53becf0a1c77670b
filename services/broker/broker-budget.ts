/**
 * ZeroMQ bounds its queues in messages, not bytes: each publisher's inbound pipe and each
 * subscriber's outbound pipe holds up to its high-water mark. The broker's worst case is every
 * queued event at the largest size it accepts, so the marks are derived from one byte budget:
 * half for what publishers have sent and the forwarding loop has not read, half for what slow
 * subscribers have not read. Beyond a mark ZeroMQ blocks the publisher (its own queue, in its own
 * memory) or drops for that subscriber alone.
 */
export interface BrokerBudget {
  maxQueuedBytes: number;
  maxEventBytes: number;
  maxPublishers: number;
  maxSubscribers: number;
}

export interface HighWaterMarks {
  perPublisher: number;
  perSubscriber: number;
}

/**
 * The largest frame ZeroMQ takes into a publisher's queue at all: a larger one closes that
 * publisher's connection before it is buffered. Frames between --max-event-bytes and this are
 * queued, then dropped and counted as too_large, so a publisher learns of them in broker.stats.
 */
export function inboundFrameCeiling(maxEventBytes: number): number {
  return 2 * maxEventBytes;
}

/** Marks that keep the worst case within the budget, or the reason there are none. */
export function highWaterMarks(budget: BrokerBudget): HighWaterMarks | { error: string } {
  const half = budget.maxQueuedBytes / 2;
  const marks = {
    perPublisher: Math.floor(half / (budget.maxPublishers * inboundFrameCeiling(budget.maxEventBytes))),
    perSubscriber: Math.floor(half / (budget.maxSubscribers * budget.maxEventBytes)),
  };
  if (marks.perPublisher < 1 || marks.perSubscriber < 1) {
    const needed = worstCaseQueuedBytes(budget, { perPublisher: 1, perSubscriber: 1 });
    return {
      error: `--max-queued-bytes ${budget.maxQueuedBytes} cannot hold even one event per peer; raise it to at least ${needed}, or lower --max-event-bytes, --max-publishers or --max-subscribers`,
    };
  }
  return marks;
}

/** The most bytes the broker's queues can hold with these marks. */
export function worstCaseQueuedBytes(budget: BrokerBudget, marks: HighWaterMarks): number {
  return (
    budget.maxPublishers * marks.perPublisher * inboundFrameCeiling(budget.maxEventBytes) +
    budget.maxSubscribers * marks.perSubscriber * budget.maxEventBytes
  );
}
