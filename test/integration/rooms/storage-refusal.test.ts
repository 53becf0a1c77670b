import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { makeStackEnv, type StackEnv, serviceEntry, startProcess, startService } from '../../helpers/processes.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
});

afterAll(() => stack.cleanup());

/** A digest of each of the data dir's files, but for the lock (a symbolic link to its holder, not data). */
const filesOf = (where: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(where)
      .filter((name) => name !== 'rooms.lock')
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(path.join(where, name)))
          .digest('hex'),
      ]),
  );

describe('room service storage guards', () => {
  it('lets one room service at a time use a data dir; the second names the first', async () => {
    const first = await startService('rooms', stack, ['--compact-bytes', '4096']);
    const second = startProcess('rooms-2', serviceEntry('rooms'), [], { ...stack.env, THISCORD_ROOMS_PORT: '1' });
    expect((await second.waitForExit()).code).toBe(1);
    const fatal = second.lines.find((line) => line.level === 60);
    expect(fatal?.msg).toContain(`in use by another process (pid ${first.pid}`);
    expect(fatal?.msg).toContain(`\`kill ${first.pid}\``);
    expect(fatal?.code).toBe('data_dir_locked');
    first.kill('SIGTERM');
    expect((await first.waitForExit()).code).toBe(0);
  });

  it('refuses to start on a damaged journal, saying where and what to do, and changes nothing', async () => {
    const service = await startService('rooms', stack);
    const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    for (let i = 0; i < 20; i++) await client.createRoom(`damaged-${i}`, 'alice');
    service.kill('SIGKILL');
    await service.waitForExit();
    const journal = path.join(stack.dataDir, 'rooms.journal');
    const bytes = readFileSync(journal);
    const offset = Math.floor(bytes.length / 2);
    bytes[offset]! ^= 0x04;
    writeFileSync(journal, bytes);
    const before = filesOf(stack.dataDir);
    const refused = startProcess('rooms', serviceEntry('rooms'), [], stack.env);
    expect((await refused.waitForExit()).code).toBe(1);
    const fatal = refused.lines.find((line) => line.level === 60);
    expect(fatal?.code).toBe('store_damaged');
    expect(fatal?.msg).toMatch(new RegExp(`${journal} has a line that fails its checksum \\(at byte \\d+, line \\d+\\)`));
    expect(fatal?.msg).toContain('Nothing was changed. Choose:');
    expect(filesOf(stack.dataDir)).toEqual(before);
  });
});
