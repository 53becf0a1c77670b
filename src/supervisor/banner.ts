import type { ChildSpec } from './child-spec.js';

/** What a person needs once the stack is up: where everything listens and how to attach. */
export function banner(specs: readonly ChildSpec[], ms: number, dataDir: string, howToStop = 'Ctrl-C stops everything.'): string {
  const width = Math.max(...specs.map((spec) => spec.name.length));
  return [
    '',
    `  ThisCord is up (${ms} ms). Data: ${dataDir}`,
    '',
    ...specs.map((spec) => `    ${spec.name.padEnd(width)}  ${spec.endpoint}`),
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
