import { formatColumns } from '../text/table.js';
import type { ChildSpec } from './child-spec.js';

/** What a person needs once the stack is up: where everything listens and how to attach. */
export function banner(specs: readonly ChildSpec[], ms: number, dataDir: string, howToStop = 'Ctrl-C stops everything.'): string {
  return [
    '',
    `  ThisCord is up (${ms} ms). Data: ${dataDir}`,
    '',
    formatColumns(
      specs.map((spec) => [spec.name, spec.endpoint]),
      { indent: '    ' },
    ),
    '',
    '  Attach from another terminal:',
    '    npm run chat         chat in a room',
    '    npm run rooms        list, create and join rooms',
    '    npm run subscribe    watch events (room/, user/, system/)',
    '',
    `  ${howToStop}`,
    '',
  ].join('\n');
}
