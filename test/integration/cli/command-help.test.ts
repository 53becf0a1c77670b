import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStackEnv, runCli, type StackEnv } from '../../helpers/processes.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
});

afterAll(() => stack.cleanup());

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** `thiscord --help`'s command list: each command's usage ("status", "restart <service>") and its description, unwrapped. */
function listedCommands(help: string): { usage: string; describe: string }[] {
  const section = help.slice(help.indexOf('Commands:\n') + 'Commands:\n'.length, help.indexOf('\n\n', help.indexOf('Commands:\n')));
  return section
    .split(/^ {2}thiscord /m)
    .filter((block) => block.trim() !== '')
    .map((block) => /^(\S+(?: [<[][^ ]+[>\]])*)\s{2,}(.*)$/s.exec(block))
    .map((match) => ({ usage: match![1]!, describe: oneLine(match![2]!) }));
}

describe('thiscord --help and each command', () => {
  it('lists every command, and each one loaded on demand answers its own --help with its own flags', async () => {
    const top = await runCli(['--help'], stack.env);
    expect(top.exitCode, top.stderr).toBe(0);
    const commands = listedCommands(top.stdout);
    expect(commands.map((command) => command.usage.split(' ')[0])).toEqual([
      'up',
      'down',
      'status',
      'restart',
      'stop',
      'start',
      'logs',
      'serve',
      'subscribe',
      'publish',
      'rooms',
      'chat',
    ]);
    // Something only that command's own module declares: a flag, an example or its exit codes.
    const ownText: Record<string, string> = {
      up: '--detach',
      down: 'Exit codes: 0 stopped',
      status: '--check',
      restart: 'thiscord restart hub',
      stop: 'thiscord stop rooms',
      start: 'thiscord start hub',
      logs: '--follow',
      serve: 'thiscord serve hub',
      subscribe: '--count',
      publish: 'thiscord publish room/general',
      rooms: 'thiscord rooms create <name>',
      chat: '--create',
    };
    for (const { usage, describe } of commands) {
      const name = usage.split(' ')[0]!;
      const help = await runCli([name, '--help'], stack.env);
      expect(help.exitCode, `${name} --help: ${help.stderr}`).toBe(0);
      expect(oneLine(help.stdout).startsWith(`thiscord ${usage} ${describe} `), `${name} --help:\n${help.stdout}`).toBe(true);
      expect(help.stdout, `${name} --help`).toContain(ownText[name]);
      expect(help.stdout, `${name} --help`).toContain('--data-dir');
    }
  }, 60_000);

  it("refuses a bad value of a command's own flag with one sentence naming the flag, and exit 2", async () => {
    for (const [args, flag] of [
      [['logs', '-n', 'abc'], '--lines'],
      [['up', '--ready-timeout', '5x'], '--ready-timeout'],
      [['down', '--timeout', 'soon'], '--timeout'],
      [['subscribe', '--count', '-1'], '--count'],
    ] as const) {
      const result = await runCli([...args], stack.env);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(new RegExp(`^thiscord: ${flag} \\(or THISCORD_[A-Z_]+\\) must be `));
      expect(result.stderr, args.join(' ')).not.toMatch(/\bat .*\.js:\d+/);
    }
  });
});
