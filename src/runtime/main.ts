import type { ArgumentsCamelCase, Options } from 'yargs';
import { failWithSentence } from '../config/fail-with-sentence.js';
import { commonOptions, withEnv } from '../config/options.js';
import type { ServiceName } from '../stack/registry.js';
import type { ServiceDefinition } from './definition.js';
import { runService, serviceCommand } from './run-service.js';

/**
 * The standalone entry of one service: `node dist/bundle/<name>.js [flags]`, bundled from services/<name>/main.ts.
 *
 * The supervisor starts services with no flags (everything comes through THISCORD_* variables),
 * and loading yargs is a third of a service's start-up (~60 ms of every restart). So without
 * flags the same option table is read straight from the environment; with any flag, or --help,
 * yargs parses as usual.
 */
export async function serviceMain(definition: ServiceDefinition<ServiceName>): Promise<void> {
  const argv = process.argv.slice(2);
  const fail = failWithSentence(`thiscord-${definition.name}`);
  if (argv.length === 0) {
    let args: ArgumentsCamelCase;
    try {
      args = argsFromEnvironment({ ...commonOptions(), ...withEnv(definition.options) });
    } catch (error) {
      return fail(undefined, error as Error);
    }
    return runService(definition, args);
  }
  const { default: yargs } = await import('yargs');
  await yargs(argv)
    .scriptName(`thiscord-${definition.name}`)
    .command(serviceCommand(definition, '$0'))
    .strict()
    .help()
    .fail(fail)
    .parseAsync();
}

/** What yargs would produce with no flags: each option's default (the environment's value, if set), validated. */
function argsFromEnvironment(options: Record<string, Options>): ArgumentsCamelCase {
  const args: Record<string, unknown> = { _: [], $0: '' };
  for (const [flag, option] of Object.entries(options)) {
    const raw: unknown = option.default;
    const value = option.coerce && raw !== undefined ? (option.coerce as (v: unknown) => unknown)(raw) : raw;
    args[flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  return args as ArgumentsCamelCase;
}
