import { TokenBucket } from '../../src/limits/token-bucket.js';

/**
 * Flood control per user, across all of that user's connections: twenty connections under one
 * name share one bucket, so they cannot send twenty bursts. A bucket outlives its user's last
 * connection (reconnecting does not refill it); the least recently used go first once there are
 * more than `capacity`, which keeps the map bounded whatever names clients invent.
 */
export class UserRates {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly capacity: number,
  ) {}

  take(userKey: string, now = performance.now()): boolean {
    let bucket = this.buckets.get(userKey);
    if (bucket) this.buckets.delete(userKey);
    else bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
    this.buckets.set(userKey, bucket);
    if (this.buckets.size > this.capacity) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket.take(now);
  }

  get size(): number {
    return this.buckets.size;
  }
}
