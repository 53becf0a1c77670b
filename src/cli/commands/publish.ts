import { brokerPullEndpoint, commonConfigFrom, durationOption } from '../../config/options.js';
import { makeEvent } from '../../events/types.js';
import { CliError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { examples } from '../examples.js';

export function payloadFrom(text: string | undefined, json: string | undefined): unknown {
  if (json !== undefined) {
    if (text !== undefined) throw new CliError('give either text or --json, not both');
    try {
      return JSON.parse(json);
    } catch (error) {
      throw new CliError(
        `--json is not valid JSON (${(error as Error).message}); quote it for the shell, e.g. --json '{"type":"note","n":1}'`,
      );
    }
  }
  return makeEvent('note', 'cli', { text: text ?? '' });
}

export const publishCommand = defineCommand({
  builder: (yargs) =>
    yargs
      .positional('topic', { type: 'string', demandOption: true, describe: 'topic, e.g. room/general' })
      .positional('text', { type: 'string', describe: 'sent as {"type":"note","text":...}' })
      .option('json', { type: 'string', describe: 'send this JSON value as the payload instead' })
      .option('timeout', durationOption('timeout', 'how long to wait for the broker', '3s', 1))
      .epilogue(
        examples([
          ["the seed's demo", 'thiscord publish room/general "hello group"'],
          ['any JSON payload', `thiscord publish system/test --json '{"type":"note","n":1}'`],
        ]),
      ),
  handler: async (args) => {
    if (args.topic.trim() === '') throw new CliError('the topic must not be empty, e.g. room/general');
    const payload = payloadFrom(args.text, args.json);
    const config = commonConfigFrom(args);
    // ZeroMQ is loaded only when publish runs: every other command starts without it.
    const { publishOnce } = await import('../../clients/events/publish.js');
    await publishOnce(brokerPullEndpoint(config), args.topic, payload, args.timeout);
  },
});
