import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomsClient } from '../../../src/clients/rooms/rooms-client.js';
import { makeStackEnv, runCli, type StackEnv, startService, type TestProcess } from '../../helpers/processes.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
});

afterAll(() => stack.cleanup());

async function stop(service: TestProcess): Promise<void> {
  service.kill('SIGTERM');
  expect((await service.waitForExit()).code).toBe(0);
}

async function roomNames(): Promise<string[]> {
  const service = await startService('rooms', stack);
  const names = (await new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort }).listRooms()).map((room) => room.name).sort();
  await stop(service);
  return names;
}

describe('thiscord rooms backup, restore and fsck', () => {
  const backupFile = (): string => path.join(stack.dataDir, '..', `${path.basename(stack.dataDir)}.backup`);
  let backedUp: string[] = [];

  it('backs up a consistent store while the service is writing and compacting', async () => {
    const service = await startService('rooms', stack, ['--compact-bytes', '4096']);
    const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) acknowledged.push((await client.createRoom(`before-${i}`, 'alice')).room);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 2000; i++) await client.createRoom(`during-${i}`, 'alice');
    })();
    const backup = await runCli(['rooms', 'backup', backupFile()], stack.env);
    writing = false;
    await writer;
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^backed up \d+ room\(s\) \(.*\) from .* to .*\.backup$/m);
    expect(readFileSync(backupFile(), 'utf8')).toMatch(/^[0-9a-f]{16} \{"backup":"thiscord-rooms"/);
    await stop(service);
    backedUp = acknowledged;
  });

  it('checks a store and, on request, repairs it, keeping the original and saying exactly what is lost', async () => {
    // No compaction now (the default threshold), so these stay in the journal.
    const service = await startService('rooms', stack);
    const client = new RoomsClient({ host: '127.0.0.1', port: stack.roomsPort });
    for (let i = 0; i < 5; i++) await client.createRoom(`after-${i}`, 'alice');
    await stop(service);
    const journal = path.join(stack.dataDir, 'rooms.journal');
    const lines = readFileSync(journal, 'utf8').split('\n');
    const victim = lines.findIndex((line) => line.includes('"name":"after-2"'));
    expect(victim).toBeGreaterThan(0);
    const damaged = [...lines];
    damaged[victim] = damaged[victim]!.replace('"topic":""', '"topic":"x"');
    writeFileSync(journal, damaged.join('\n'));

    const check = await runCli(['rooms', 'fsck'], stack.env);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(`${journal} has a line that fails its checksum (at byte`);
    // One sentence naming the fix, no stack trace.
    expect(check.stderr.trim()).toMatch(
      /^thiscord: restore a backup .*thiscord rooms fsck --repair --data-dir \S+` with the room service stopped$/,
    );

    const repair = await runCli(['rooms', 'fsck', '--repair'], stack.env);
    expect(repair.exitCode, repair.stderr).toBe(0);
    expect(repair.stdout).toMatch(
      new RegExp(
        `line ${victim + 1} \\(byte \\d+, \\d+ bytes\\) fails its checksum: lost; it seems to be record seq \\d+: create room after-2 \\(unverified\\)`,
      ),
    );
    const copy = /the original files are in (\S+)/.exec(repair.stdout)![1]!;
    expect(readFileSync(path.join(copy, 'rooms.journal'), 'utf8')).toBe(damaged.join('\n'));
    const names = await roomNames();
    expect(names).not.toContain('after-2');
    for (const name of [...backedUp, 'after-0', 'after-1', 'after-3', 'after-4']) expect(names).toContain(name);
    expect((await runCli(['rooms', 'fsck'], stack.env)).stdout).toMatch(/whole: the room service starts on it with \d+ room\(s\)/);
  });

  it('restores a backup only with the service stopped, keeping the files it replaces', async () => {
    const service = await startService('rooms', stack);
    const refused = await runCli(['rooms', 'restore', backupFile()], stack.env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^thiscord: nothing restored: .*in use by another process \\(pid ${service.pid}`));
    await stop(service);
    const before = readdirSync(stack.dataDir).filter((name) => name.startsWith('before-restore-'));
    const restored = await runCli(['rooms', 'restore', backupFile()], stack.env);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^restored \d+ room\(s\) .* from .*\.backup, made .*, into /m);
    const kept = readdirSync(stack.dataDir).filter((name) => name.startsWith('before-restore-') && !before.includes(name));
    expect(kept).toHaveLength(1);
    expect(existsSync(path.join(stack.dataDir, kept[0]!, 'rooms.journal'))).toBe(true);
    const names = await roomNames();
    for (const name of backedUp) expect(names).toContain(name);
    expect(names.filter((name) => name.startsWith('after-'))).toEqual([]);
  });
});
