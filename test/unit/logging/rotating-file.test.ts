import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingFile } from '../../../src/logging/rotating-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(file: RotatingFile, lines: string[]): Promise<void> {
  for (const line of lines) file.write(`${line}\n`);
  return new Promise((resolve) => file.end(resolve));
}

describe('rotating log file', () => {
  it('rotates by size, never splitting a line, and keeps only the newest files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-rotate-'));
    dirs.push(dir);
    const name = path.join(dir, 'logs', 'thiscord.log');
    // Each line is 10 bytes with its newline: two fit in 25 bytes, a third rotates.
    await write(new RotatingFile(name, { maxBytes: 25, keep: 2 }), [
      'line-0001',
      'line-0002',
      'line-0003',
      'line-0004',
      'line-0005',
      'line-0006',
      'line-0007',
    ]);
    expect(readdirSync(path.dirname(name)).sort()).toEqual(['thiscord.log', 'thiscord.log.1', 'thiscord.log.2']);
    expect(readFileSync(name, 'utf8')).toBe('line-0007\n');
    expect(readFileSync(`${name}.1`, 'utf8')).toBe('line-0005\nline-0006\n');
    expect(readFileSync(`${name}.2`, 'utf8')).toBe('line-0003\nline-0004\n');
  });

  it('appends to the file a previous run left, counting its size', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'thiscord-rotate-'));
    dirs.push(dir);
    const name = path.join(dir, 'thiscord.log');
    await write(new RotatingFile(name, { maxBytes: 25, keep: 1 }), ['line-0001']);
    await write(new RotatingFile(name, { maxBytes: 25, keep: 1 }), ['line-0002', 'line-0003']);
    expect(readFileSync(`${name}.1`, 'utf8')).toBe('line-0001\nline-0002\n');
    expect(readFileSync(name, 'utf8')).toBe('line-0003\n');
  });
});
