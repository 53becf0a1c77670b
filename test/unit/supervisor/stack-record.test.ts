import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/logger.js';
import { StackRecord, stackRecordPath } from '../../../src/supervisor/leftovers.js';
import type { SupervisedChild } from '../../../src/supervisor/supervised-child.js';
import { waitFor } from '../../helpers/wait.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the stack record', () => {
  it('is rewritten once per event-loop turn, and only when a pid changed', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-record-'));
    dirs.push(dataDir);
    // A live pid, so its start time can be read from /proc.
    const children = [{ name: 'hub', pid: process.pid as number | undefined }];
    const record = new StackRecord(
      dataDir,
      () => children as unknown as SupervisedChild[],
      createLogger({ service: 'supervisor', level: 'silent', format: 'json' }),
    );
    const file = stackRecordPath(dataDir);
    for (let i = 0; i < 5; i++) record.transition(children[0] as unknown as SupervisedChild, 'starting');
    await waitFor('the record', () => statSync(file, { throwIfNoEntry: false }));
    // Every rewrite is a new file renamed into place: the same inode means no rewrite.
    const written = statSync(file).ino;
    record.transition(children[0] as unknown as SupervisedChild, 'running');
    await turn();
    await turn();
    expect(statSync(file).ino).toBe(written);
    children[0]!.pid = undefined;
    record.transition(children[0] as unknown as SupervisedChild, 'exited');
    await waitFor('a rewrite', () => statSync(file).ino !== written);
  });
});
