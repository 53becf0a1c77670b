import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommitPipeline } from '../../../services/rooms/commit-pipeline.js';
import { Journal } from '../../../services/rooms/journal.js';
import { type DirectoryState, type RoomChange, RoomDirectory } from '../../../services/rooms/room-directory.js';
import { decodeEnvelope } from '../../../src/events/envelope.js';
import type { EventPublisher } from '../../../src/events/publisher.js';
import { eventSigningKey, hasValidSignature } from '../../../src/events/signature.js';
import { makeEvent } from '../../../src/events/types.js';
import { newInstanceId } from '../../../src/tickets/room-instance.js';
import { TestDisk } from '../../helpers/storage-fs.js';

const key = eventSigningKey(Buffer.from('a ticket secret of at least thirty-two characters'));

/** A pipeline over a real journal whose disk, answers and published frames share one log. */
function pipeline(): { commit: CommitPipeline['commit']; log: string[]; frames: string[]; close: () => void } {
  const disk = new TestDisk();
  const journal = new Journal<DirectoryState, RoomChange>(mkdtempSync(path.join(os.tmpdir(), 'thiscord-pipeline-')), {
    fs: disk.fs,
    reserveBytes: 4096,
  });
  journal.open();
  const frames: string[] = [];
  const events = {
    enqueue: (frame: string) => {
      frames.push(frame);
      disk.note(`publish ${(JSON.parse(frame) as { payload: { user: string } }).payload.user}`);
      return true;
    },
  } as unknown as EventPublisher;
  const committer = new CommitPipeline(new RoomDirectory(), journal, events, key, () => {});
  return { commit: committer.commit.bind(committer), log: disk.log, frames, close: () => journal.close() };
}

const joined = (user: string) => () =>
  makeEvent('room.joined', 'rooms', { room: 'r', instance: newInstanceId(Date.now()), user, members: 1, issued_at: Date.now() });

describe('commit pipeline', () => {
  it('publishes each change signed, only once it is synced and its caller has been answered', async () => {
    const { commit, log, frames, close } = pipeline();
    const answered = ['ann', 'bob', 'cy'].map((user) =>
      commit({ op: 'join', room: 'r', user, at: Date.now() }, joined(user)).then(() => log.push(`answer ${user}`)),
    );
    await Promise.all(answered);
    await expect.poll(() => frames.length).toBe(3);
    close();
    for (const user of ['ann', 'bob', 'cy']) {
      const written = log.findIndex((entry) => entry.startsWith('write rooms.journal') && entry.includes(`"user":"${user}"`));
      const synced = log.indexOf('sync rooms.journal', written);
      expect(written, `${user}'s change written`).toBeGreaterThanOrEqual(0);
      expect(log.indexOf(`answer ${user}`), `${user} answered once synced`).toBeGreaterThan(synced);
      expect(synced).toBeGreaterThan(written);
      expect(log.indexOf(`publish ${user}`), `${user}'s event published after the answer`).toBeGreaterThan(log.indexOf(`answer ${user}`));
    }
    for (const frame of frames) {
      const envelope = decodeEnvelope(Buffer.from(frame));
      expect(envelope.ok && envelope.topic).toBe('room/r');
      expect(hasValidSignature(key, (JSON.parse(frame) as { payload: Record<string, unknown> }).payload)).toBe(true);
    }
  });
});
