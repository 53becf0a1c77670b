import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher } from '../../../src/events/publisher.js';
import { CLI, makeStackEnv, ROOT, runCli, type StackEnv, startProcess, startService, type TestProcess } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

/** The CLI's small gaps a newcomer met (issue 15), through exit codes and output. */
let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('rooms', stack);
});

afterAll(() => stack.cleanup());

describe('the thiscord command line', () => {
  it('prints its version', async () => {
    const result = await runCli(['--version'], stack.env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('suggests the command or flag that was meant, exiting 2', async () => {
    const command = await runCli(['romos', 'list'], stack.env);
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain('thiscord: unknown command "romos"; did you mean rooms?');
    const sub = await runCli(['rooms', 'crate', 'x'], stack.env);
    expect(sub.stderr).toContain('did you mean create?');
    const flag = await runCli(['rooms', 'list', '--hubport', '1'], stack.env);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain('thiscord: unknown flag --hubport; did you mean --hub-port?');
    const joined = await runCli(['rooms', 'list', '--hub-prot=1'], stack.env);
    expect(joined.stderr.split('\n')[0]).toBe('thiscord: unknown flag --hub-prot; did you mean --hub-port?');
  });

  it('quotes a bad number as it was typed', async () => {
    const result = await runCli(['rooms', 'list', '--hub-port', 'abc'], stack.env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--hub-port (or THISCORD_HUB_PORT) must be a whole number from 1 to 65535; got "abc"');
  });

  it('exits 1 when the work fails, as the README says for publish without a broker', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('if the broker is not running it says so and exits 1');
    expect(readme).toContain('exits 0 when it did its work, 1 when it could not');
    const publish = await runCli(['publish', 'room/x', 'hi', '--broker-pull-port', '1', '--timeout', '200ms'], stack.env);
    expect(publish.exitCode).toBe(1);
    const fault = await runCli(['rooms', 'join', 'nowhere', '--user', 'bob'], stack.env);
    expect(fault.exitCode).toBe(1);
  });

  it('prints a start-up failure once, readable, never as raw JSON', async () => {
    const own = await makeStackEnv();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(own.hubPort, '127.0.0.1', resolve));
    try {
      const up = await runCli(['up'], { ...own.env, THISCORD_LOG_FORMAT: 'pretty' }, { timeoutMs: 30_000 });
      expect(up.exitCode).toBe(1);
      const output = `${up.stdout}\n${up.stderr}`;
      expect(output).not.toMatch(/\{"level"|^\s*\{"/m);
      // The supervisor binds the hub's port before it starts the hub, so its summary alone says why, once.
      expect(output.split('\n').filter((line) => line.includes(`port ${own.hubPort} is already in use`))).toHaveLength(1);
      const summary = output.split('\n').filter((line) => /ERROR\s+hub failed to start/.test(line));
      expect(summary).toHaveLength(1);
      expect(summary[0]).toContain(`port ${own.hubPort} is already in use (hub); pass --hub-port or stop the other process`);
    } finally {
      blocker.close();
      own.cleanup();
    }
  }, 40_000);

  it('keeps every help example on one line at 80 columns', async () => {
    for (const command of [[], ['rooms'], ['chat'], ['publish'], ['subscribe']]) {
      const help = (await runCli([...command, '--help'], stack.env)).stdout;
      expect(help).toContain('\nExamples:\n');
      const examples = help.split('\n').slice(help.split('\n').indexOf('Examples:') + 1);
      for (const line of examples.filter((row) => row.trim() !== '')) {
        expect(line, `${command.join(' ')} --help`).toMatch(/^ {2}(# |thiscord )/);
        expect(line.length).toBeLessThanOrEqual(80);
      }
    }
  });

  it('takes a passphrase from a file or THISCORD_PASSPHRASE quietly, and warns when it is on the command line', async () => {
    const file = path.join(stack.dataDir, 'passphrase.txt');
    writeFileSync(file, 'from a file\n', { mode: 0o600 });
    const created = await runCli(['rooms', 'create', 'filed', '--user', 'alice', '--passphrase-file', file], stack.env);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('(private');
    const wrong = await runCli(['rooms', 'join', 'filed', '--user', 'bob'], { ...stack.env, THISCORD_PASSPHRASE: 'not it' });
    expect(wrong.exitCode).toBe(1);
    const byEnv = await runCli(['rooms', 'join', 'filed', '--user', 'bob'], { ...stack.env, THISCORD_PASSPHRASE: 'from a file' });
    expect(byEnv.exitCode, byEnv.stderr).toBe(0);
    expect(byEnv.stderr).toBe('');
    const visible = await runCli(['rooms', 'join', 'filed', '--user', 'carol', '--passphrase', 'from a file'], stack.env);
    expect(visible.exitCode).toBe(0);
    expect(visible.stderr).toMatch(/^warning: a passphrase on the command line can be read by every user .*--passphrase-file/);
    const asked = await runCli(['rooms', 'create', 'asked', '--user', 'alice', '--private'], stack.env, { input: 'typed in\n' });
    expect(asked.stdout).toContain('Created room asked (private');
    expect((await runCli(['rooms', 'join', 'asked', '--user', 'bob'], { ...stack.env, THISCORD_PASSPHRASE: 'typed in' })).exitCode).toBe(0);
  });
});

describe('thiscord subscribe', () => {
  let broker: TestProcess | undefined;
  afterAll(() => broker?.kill('SIGKILL'));

  /**
   * Publishes the batch until every subscriber has printed the marker that ends it twice: a
   * subscriber that joined in the middle of one batch shows its marker without the events before it,
   * but having seen one marker it was subscribed before the next batch began, so it has all of that one.
   */
  async function publishBatch(subscribers: TestProcess[], marker: string): Promise<void> {
    const publisher = new EventPublisher(`tcp://127.0.0.1:${stack.brokerPullPort}`);
    try {
      await waitFor(
        `${subscribers.map((sub) => sub.name).join(', ')} to print ${marker}`,
        () => {
          publisher.publishTo('system/health/x1', { type: 'health.probe', nonce: 'x1' });
          publisher.publishTo('system/broker', { type: 'broker.stats', received: 1, published: 1, dropped: 0, interval_ms: 1 });
          publisher.publishTo('system/test', { type: 'custom.check', issued_at: Date.parse('2026-11-25T13:04:05Z') });
          publisher.publishTo('system/test', { type: marker });
          return subscribers.every((sub) => sub.lines.filter((line) => line.raw.includes(marker)).length >= 2);
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    } finally {
      await publisher.close();
    }
  }

  it('says when it cannot reach the broker, when it is connected and when it lost the broker', async () => {
    const sub = startProcess('subscribe-early', CLI, ['subscribe'], stack.env);
    const endpoint = `tcp://127.0.0.1:${stack.brokerPubPort}`;
    await waitFor('the unreachable notice', () =>
      sub.stderrLines.includes(`cannot reach the broker at ${endpoint}; still trying (is the stack running? npm run up)`),
    );
    broker = await startService('broker', stack, ['--stats-interval', '0']);
    await waitFor('the connected notice', () => sub.stderrLines.includes(`connected to ${endpoint}, waiting for events`));
    broker.kill('SIGKILL');
    await broker.waitForExit();
    await waitFor('the lost notice', () => sub.stderrLines.includes(`lost the broker at ${endpoint}, retrying`));
    broker = await startService('broker', stack, ['--stats-interval', '0']);
    await waitFor('the reconnected notice', () => sub.stderrLines.includes(`connected again to ${endpoint}, waiting for events`));
    sub.kill('SIGINT');
    expect((await sub.waitForExit()).code, sub.output).toBe(0);
  });

  it('hides health probes and broker stats unless asked, and shows moments as clock times', async () => {
    const quiet = startProcess('subscribe-quiet', CLI, ['subscribe', 'system/'], stack.env);
    const everything = startProcess('subscribe-all', CLI, ['subscribe', '--all', 'system/'], stack.env);
    const probes = startProcess('subscribe-probes', CLI, ['subscribe', 'system/health/', 'system/test'], stack.env);
    await publishBatch([quiet, everything, probes], 'batch.end');
    const types = (sub: TestProcess): Set<string> => new Set(sub.lines.map((line) => line.raw.split(' ')[2] ?? ''));
    expect(types(quiet)).toEqual(new Set(['custom.check', 'batch.end']));
    expect(types(everything)).toEqual(new Set(['health.probe', 'broker.stats', 'custom.check', 'batch.end']));
    expect(types(probes)).toEqual(new Set(['health.probe', 'custom.check', 'batch.end']));
    const check = quiet.lines.find((line) => line.raw.includes('custom.check'))!.raw;
    const local = new Date(Date.parse('2026-11-25T13:04:05Z'));
    const shown = `${local.getFullYear()}-11-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}:04`;
    expect(check).toMatch(new RegExp(`issued_at=(\\d\\d:\\d\\d:05|"${shown}")$`));
    for (const sub of [quiet, everything, probes]) sub.kill('SIGINT');
  });
});
