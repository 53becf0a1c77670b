import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { makeStackEnv, type StackEnv, startService } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
});

afterAll(() => stack.cleanup());

describe('room service durability', () => {
  it('keeps every acknowledged room across kill -9 at random instants, and loads cleanly', async () => {
    const acknowledged: string[] = [];
    for (let round = 0; round < 4; round++) {
      // A small compaction threshold, so kills also land during and around snapshot writes.
      const service = await startService('rooms', stack, ['--compact-bytes', '16384']);
      const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort, timeoutMs: 5000 });
      for (const name of acknowledged) expect((await client.roomInfo(name)).name).toBe(name);
      let stop = false;
      // Several writers at once, so the kill lands while requests are in flight.
      const writers = Array.from({ length: 4 }, (_, w) =>
        (async () => {
          for (let i = 0; !stop && i < 5000; i++) {
            const name = `r${round}-w${w}-${i}`;
            try {
              await client.createRoom(name, 'writer', i % 3 === 0 ? { passphrase: 'pw' } : {});
              acknowledged.push(name);
            } catch {
              return;
            }
          }
        })(),
      );
      // Every round makes progress however loaded the machine is; the kill then lands at a random instant.
      const before = acknowledged.length;
      await waitFor('some creates to be acknowledged', () => acknowledged.length >= before + 15, { timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      service.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await service.waitForExit();
    }
    const service = await startService('rooms', stack, ['--compact-bytes', '16384']);
    expect(service.lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
    const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    const listed = new Set((await client.listRooms()).map((room) => room.name));
    const missing = acknowledged.filter((name) => !listed.has(name));
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(missing).toEqual([]);
    expect(existsSync(path.join(stack.dataDir, 'rooms.snapshot'))).toBe(true);
    service.kill('SIGTERM');
    expect((await service.waitForExit()).code).toBe(0);
  }, 60_000);
});
