import type { ArgumentsCamelCase, Argv, CommandModule, InferredOptionTypes } from 'yargs';
import type { commonOptions } from '../config/options.js';

/** The flags every command has (host, ports, data dir, logging), as yargs' types see them after `.options(commonOptions())`. */
export type CommonFlags = InferredOptionTypes<ReturnType<typeof commonOptions>>;

/**
 * What a command declares and what runs with it. `Args` is inferred from what the builder returns,
 * so tsc checks every use of a flag in the handler against the flag's declaration.
 */
export interface CommandBody<Args> {
  builder: (yargs: Argv<CommonFlags>) => Argv<Args>;
  handler: (args: ArgumentsCamelCase<Args>) => void | Promise<void>;
}

/** Writes a command body with its `Args` inferred from the builder (a function only for the types). */
export const defineCommand = <Args>(body: CommandBody<Args>): CommandBody<Args> => body;

/** A command registered with its code at hand: the subcommands of a command that is itself loaded lazily. */
export function subcommand<Parent extends CommonFlags, Args>(
  command: string,
  describe: string,
  body: { builder: (yargs: Argv<Parent>) => Argv<Args>; handler: CommandBody<Args>['handler'] },
): CommandModule<Parent, Args> {
  return { command, describe, ...body };
}

/**
 * A command whose module is imported only when it runs or its --help is asked for: `thiscord --help`
 * needs the name and one line, and every module imported up front is start-up time that each
 * command (`thiscord status` above all) pays.
 */
export function lazyCommand<Args>(
  command: string,
  describe: string,
  load: () => Promise<CommandBody<Args>>,
): CommandModule<CommonFlags, Args> {
  return {
    command,
    describe,
    builder: async (yargs) => (await load()).builder(yargs),
    handler: async (args) => (await load()).handler(args),
  };
}
