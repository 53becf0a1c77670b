import { describe, expect, it } from 'vitest';
import { RoomSync } from '../../../services/hub/room-sync.js';
import { createLogger } from '../../../src/logging/logger.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';

describe('the hub’s room sync while the room service is not up yet', () => {
  it('retries after 50 ms, doubling, and warns only once it has failed for 3 s', async () => {
    const records: Array<{ level: number; retry_ms?: number; failing_ms?: number }> = [];
    const logger = createLogger({
      service: 'hub',
      level: 'debug',
      format: 'json',
      destination: { write: (line: string) => void records.push(JSON.parse(line)) },
    });
    // Nothing listens here: every call is refused at once, as at a cold start before the room service listens.
    const sync = new RoomSync({ host: '127.0.0.1', roomsPort: await freePort() }, Buffer.alloc(32), { applySync: () => undefined }, logger);
    sync.start();
    try {
      await waitFor('four failed calls', () => records.length >= 4);
      expect(records.slice(0, 4).map((record) => record.retry_ms)).toEqual([50, 100, 200, 400]);
      expect(records.slice(0, 4).every((record) => record.level === 20)).toBe(true);
      const warning = await waitFor('the warning', () => records.find((record) => record.level === 40), { timeoutMs: 10_000 });
      expect(warning.failing_ms).toBeGreaterThanOrEqual(3000);
      expect(records.filter((record) => record.level === 40)).toHaveLength(1);
    } finally {
      sync.stop();
    }
  });
});
