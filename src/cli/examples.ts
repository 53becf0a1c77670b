/**
 * Help examples as an epilogue, each description on its own line above its command: yargs'
 * two-column .example() wraps a long command in the middle of an argument, which cannot be copied.
 * An empty description continues the example before.
 */
export function examples(list: readonly (readonly [what: string, command: string])[]): string {
  return ['Examples:', ...list.flatMap(([what, command]) => [...(what ? [`  # ${what}`] : []), `  ${command}`])].join('\n');
}
