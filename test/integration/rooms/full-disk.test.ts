import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RoomsClient, RoomsFault } from '../../../src/clients/rooms/rooms-client.js';
import { ROOMS_FAULTS } from '../../../src/protocol/rooms-api.js';
import { freePort } from '../../helpers/ports.js';
import { makeStackEnv, type StackEnv, startService, type TestProcess } from '../../helpers/processes.js';
import { describeAsRoot } from '../../helpers/requirements.js';
import { waitFor } from '../../helpers/wait.js';

/**
 * The room service on a real, small file system that fills up (a tmpfs the test mounts) while
 * clients create and join rooms.
 */
const DISK_BYTES = 3 * 1024 * 1024;
const CHUNK = 16 * 1024;

let stack: StackEnv;
let mountPoint: string;
let dataDir: string;
let fillers = 0;

/** Writes filler files until the disk has at most `leave` bytes free (0: until it is full). */
function fill(leave: number): void {
  const folder = path.join(mountPoint, 'filler');
  mkdirSync(folder, { recursive: true });
  const free = (): number => statfsSync(mountPoint).bavail * statfsSync(mountPoint).bsize;
  for (let i = 0; i < 10_000 && free() > leave; i++) {
    try {
      writeFileSync(path.join(folder, `chunk-${fillers++}`), Buffer.alloc(Math.min(CHUNK, Math.max(4096, free() - leave))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
  }
}

/** A copy of the store on a disk with room to spare, as an operator would move it. */
function copyStore(): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'thiscord-full-copy-'));
  for (const name of ['rooms.snapshot', 'rooms.journal', 'ticket-secret']) {
    if (existsSync(path.join(dataDir, name))) copyFileSync(path.join(dataDir, name), path.join(copy, name));
  }
  return copy;
}

interface Books {
  rooms: Set<string>;
  /** room → users acknowledged as joined. */
  joins: Map<string, Set<string>>;
  full: number;
}

/** Clients creating rooms and joining each other's, keeping the books of what was acknowledged. */
function startClients(client: RoomsClient, books: Books, prefix: string): { stop(): Promise<void> } {
  let stopping = false;
  const workers = Array.from({ length: 4 }, (_, w) =>
    (async () => {
      for (let i = 0; !stopping && i < 20_000; i++) {
        const room = `${prefix}-${w}-${i}`;
        try {
          await client.createRoom(room, `owner${w}`, { topic: 'a topic long enough to make each record a few hundred bytes' });
          books.rooms.add(room);
          const other = [...books.rooms][Math.floor(Math.random() * books.rooms.size)]!;
          // The second round of clients joins the first round's rooms too: its names must differ.
          const user = `${prefix}u${w}x${i}`;
          await client.joinRoom(other, user);
          if (!books.joins.has(other)) books.joins.set(other, new Set());
          books.joins.get(other)!.add(user);
        } catch (error) {
          if (!(error instanceof RoomsFault) || error.code !== ROOMS_FAULTS.storage_full) throw error;
          books.full++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    })(),
  );
  return {
    async stop() {
      stopping = true;
      await Promise.all(workers);
    },
  };
}

async function expectEverythingAcknowledged(copy: string, books: Books): Promise<void> {
  // Beside the one on the full disk, so on a port of its own.
  const port = await freePort();
  const service = await startService('rooms', stack, [], { THISCORD_DATA_DIR: copy, THISCORD_ROOMS_PORT: String(port) });
  try {
    const client = new RoomsClient({ host: '127.0.0.1', port, timeoutMs: 10_000 });
    const listed = new Set((await client.listRooms()).map((room) => room.name));
    expect([...books.rooms].filter((room) => !listed.has(room))).toEqual([]);
    for (const [room, users] of books.joins) {
      const members = new Set((await client.roomInfo(room)).member_names);
      expect(
        [...users].filter((user) => !members.has(user)),
        room,
      ).toEqual([]);
    }
  } finally {
    service.kill('SIGTERM');
    await service.waitForExit();
  }
}

describeAsRoot('room service on a full disk', 'mount a small tmpfs that the test fills', () => {
  beforeAll(async () => {
    stack = await makeStackEnv();
    mountPoint = mkdtempSync(path.join(os.tmpdir(), 'thiscord-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES},mode=0700`, 'tmpfs', mountPoint]);
    dataDir = path.join(mountPoint, 'data');
  });

  afterAll(() => {
    if (mountPoint) {
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
    stack?.cleanup();
  });

  it('refuses changes with storage_full while reads work, loses nothing acknowledged, keeps the snapshot whole, and takes changes again once space is freed', async () => {
    let service: TestProcess | undefined = await startService('rooms', stack, ['--compact-bytes', '8192', '--storage-reserve', '65536'], {
      THISCORD_DATA_DIR: dataDir,
    });
    try {
      const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort, timeoutMs: 10_000 });
      const books: Books = { rooms: new Set(), joins: new Map(), full: 0 };
      let clients = startClients(client, books, 'a');
      const snapshot = path.join(dataDir, 'rooms.snapshot');
      await waitFor('a snapshot of 32 KiB', () => (statSync(snapshot, { throwIfNoEntry: false })?.size ?? 0) > 32 * 1024, {
        timeoutMs: 60_000,
      });
      // Room for the journal to grow to the snapshot's size, not for the next snapshot: compaction meets a full disk.
      fill(1.5 * statSync(snapshot).size);
      await service.waitForLine('a compaction put off', (line) => line.msg === 'compaction put off', 60_000);
      await waitFor('changes refused as storage_full', () => books.full > 0, { timeoutMs: 60_000 });
      fill(0);
      await clients.stop();
      const putOff = service.lines.filter((line) => line.msg === 'compaction put off').length;
      const joins = [...books.joins.values()].reduce((count, users) => count + users.size, 0);
      process.stdout.write(
        `full disk: ${books.rooms.size} rooms, ${joins} joins acknowledged; ${books.full} storage_full; ${putOff} compaction(s) put off\n`,
      );
      expect(
        service.lines.some((line) => typeof line.msg === 'string' && line.msg.includes('is full: refusing changes (storage_full)')),
      ).toBe(true);
      // Reads keep working on the full disk.
      const listed = new Set((await client.listRooms()).map((room) => room.name));
      expect([...books.rooms].filter((room) => !listed.has(room))).toEqual([]);
      await expect(client.createRoom('while-full', 'alice')).rejects.toMatchObject({ code: ROOMS_FAULTS.storage_full });
      // Nothing is written while full, so this copy is the store as it is.
      const whileFull = copyStore();
      await expectEverythingAcknowledged(whileFull, books);

      rmSync(path.join(mountPoint, 'filler'), { recursive: true });
      await waitFor(
        'a change accepted again, without a restart',
        () =>
          client.createRoom('space-again', 'alice').then(
            () => true,
            (error: unknown) => (error instanceof RoomsFault && error.code === ROOMS_FAULTS.storage_full ? false : Promise.reject(error)),
          ),
        { timeoutMs: 10_000, intervalMs: 200 },
      );
      books.rooms.add('space-again');
      clients = startClients(client, books, 'b');
      await waitFor('more changes after the disk had room again', () => [...books.rooms].some((room) => room.startsWith('b-')), {
        timeoutMs: 20_000,
      });
      await clients.stop();
      service.kill('SIGKILL');
      await service.waitForExit();
      service = undefined;
      expect(readdirSync(dataDir)).toContain('rooms.snapshot');
      await expectEverythingAcknowledged(copyStore(), books);
    } finally {
      service?.kill('SIGKILL');
      await service?.waitForExit();
    }
  }, 180_000);
});
