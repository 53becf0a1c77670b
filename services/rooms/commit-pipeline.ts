import { encodeEnvelope } from '../../src/events/envelope.js';
import type { EventPublisher } from '../../src/events/publisher.js';
import { signEvent } from '../../src/events/signature.js';
import { type RoutableEvent, topicOf } from '../../src/events/topics.js';
import type { Journal } from './journal.js';
import type { DirectoryState, RoomChange, RoomDirectory } from './room-directory.js';

/**
 * The one way room state changes: record the change in the journal, apply it to the directory,
 * tell whoever caches a view of the directory, compact when the journal has grown, and publish
 * the change's event once it is durable.
 */
export class CommitPipeline {
  /** Events of changes now durable, published together once per turn of the event loop. */
  private outgoing: string[] = [];

  constructor(
    private readonly directory: RoomDirectory,
    private readonly journal: Journal<DirectoryState, RoomChange>,
    private readonly events: EventPublisher,
    /** Signs every event: they all report room state, and the hub acts on them (src/events/signature.ts). */
    private readonly eventKey: Buffer,
    private readonly onApplied: () => void,
  ) {}

  /**
   * Resolves once the change is durable: the caller answers only then. Other calls may see the
   * change before its fsync completes; a crash in between loses it, but it was never acknowledged
   * to anyone. `describe` runs after the change is applied, so the event can report counts after it.
   * Throws at once, with nothing changed, when the journal refuses the change (a full disk), so a
   * caller never goes on as if it had been applied.
   */
  commit(change: RoomChange, describe?: () => RoutableEvent): Promise<void> {
    const durable = this.journal.appendDurably(change);
    this.directory.apply(change);
    this.onApplied();
    // Signed and encoded now, while the disk works on the change (appendDurably started its fsync).
    const event = describe?.();
    const frame = event && encodeEnvelope(topicOf(event), signEvent(this.eventKey, event));
    if (this.journal.wantsCompaction) this.journal.compact(this.directory.snapshot());
    // Published only once durable, so no subscriber hears of a change a crash could still undo,
    // and only after the callers of the batch are answered: they wait on the disk, subscribers do not.
    if (frame) void durable.then(() => this.publishSoon(frame), noPublishWithoutDurability);
    return durable;
  }

  /**
   * One turn for a whole batch: every caller of an fsync is answered first, then their events go
   * to the publisher back to back, which hands them to ZeroMQ in one run instead of one per turn.
   */
  private publishSoon(frame: string): void {
    this.outgoing.push(frame);
    if (this.outgoing.length === 1) setImmediate(() => this.publishOutgoing());
  }

  private publishOutgoing(): void {
    const frames = this.outgoing;
    this.outgoing = [];
    for (const frame of frames) this.events.enqueue(frame);
  }
}

/** A change that never became durable is not announced; its caller hears of the failure instead. */
function noPublishWithoutDurability(): void {}
