import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOMS_FAULTS } from '../../../src/protocol/rooms-api.js';

describe('room service fault table', () => {
  it('is the one docs/rooms-rpc.md documents, code for code', () => {
    const docs = readFileSync(new URL('../../../docs/rooms-rpc.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('## Faults'), docs.indexOf('\n## ', docs.indexOf('## Faults') + 1));
    const documented = Object.fromEntries(
      [...section.matchAll(/^\| (-?\d+) \| ([a-z ]+) \|/gm)].map((row) => [
        row[2]!.replace(/\bthe /, '').replace(/ /g, '_'),
        Number(row[1]),
      ]),
    );
    expect(documented).toEqual(ROOMS_FAULTS);
  });
});
