import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failWithSentence } from '../cli/cli-error.js';
import type { ServiceDefinition } from './definition.js';
import { serviceCommand } from './run-service.js';

/** The standalone entry of one service: `node dist/services/<name>/main.js [flags]`. */
export async function serviceMain(definition: ServiceDefinition): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName(`thiscord-${definition.name}`)
    .command(serviceCommand(definition, '$0'))
    .strict()
    .help()
    .fail(failWithSentence(`thiscord-${definition.name}`))
    .parseAsync();
}
