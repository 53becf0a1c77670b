import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, expectTypeOf, it } from 'vitest';
import yargs from 'yargs';
import { serveCommand } from '../../../src/cli/commands/serve.js';
import { type CommonConfig, commonOptions } from '../../../src/config/options.js';
import type { EventSource } from '../../../src/events/types.js';
import type { LogSource } from '../../../src/logging/logger.js';
import { defineService } from '../../../src/runtime/definition.js';
import { logColours, SERVICE_NAMES, SERVICE_REGISTRY, type ServiceEntry, type ServiceName } from '../../../src/stack/registry.js';
import { childSpecs } from '../../../src/supervisor/child-spec.js';
import { startOrder } from '../../../src/supervisor/start-order.js';
import { ROOT } from '../../helpers/processes.js';

const config: CommonConfig = {
  host: '127.0.0.1',
  hubPort: 1,
  ircPort: 5,
  webPort: 6,
  roomsPort: 2,
  brokerPullPort: 3,
  brokerPubPort: 4,
  dataDir: '/tmp/thiscord-unit',
  logLevel: 'info',
  logFormat: 'json',
};

/** A service that is not part of the stack, registered the way a new one would be. */
const echoEntry = {
  service: defineService({
    name: 'echo',
    describe: 'answers what it is told',
    options: {},
    start: () => Promise.reject(new Error('unused')),
  }),
  dependsOn: ['hub'],
  restart: 'transient',
  stopGraceMs: 1234,
  colour: 'blue',
  endpoint: (c) => `tcp://${c.host}:7`,
  probe: () => Promise.reject(new Error('unused')),
} satisfies ServiceEntry;
// The test registry is typed as the real one would be once echo were registered.
const withEcho = [...SERVICE_REGISTRY, echoEntry] as unknown as readonly ServiceEntry<ServiceName>[];

/** The subcommands `thiscord serve --help` lists. */
async function serveHelp(registry: readonly ServiceEntry<ServiceName>[]): Promise<string> {
  let help = '';
  await yargs(['serve', '--help'])
    .options(commonOptions())
    .command('serve <service>', 'run one service', serveCommand(registry))
    .exitProcess(false)
    .parseAsync(['serve', '--help'], {}, (_error, _argv, output) => {
      help = output;
    });
  return help;
}

describe('the service registry', () => {
  it('names each service after its folder, which holds service.ts and the entry the supervisor runs', () => {
    expect(SERVICE_NAMES).toEqual(['broker', 'rooms', 'hub', 'irc', 'web']);
    for (const spec of childSpecs(config, undefined)) {
      expect(existsSync(path.join(ROOT, 'services', spec.name, 'service.ts')), spec.name).toBe(true);
      expect(existsSync(path.join(ROOT, 'services', spec.name, 'main.ts')), spec.name).toBe(true);
      // package.json's bundle script names every service's entry: one left out would not be built.
      expect(spec.entry).toBe(path.join(ROOT, 'dist/bundle', `${spec.name}.js`));
      expect(existsSync(spec.entry), `${spec.entry} (run npm run build)`).toBe(true);
    }
  });

  it("is read without loading any service's implementation (ZeroMQ, the room journal, …)", async () => {
    // CommonJS packages a module pulls in are listed in require.cache, ESM imports of them included.
    const script = [
      "import { createRequire } from 'node:module';",
      `const { SERVICE_REGISTRY } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/stack/registry.js'))});`,
      'SERVICE_REGISTRY.map((entry) => [entry.service.options, entry.endpoint]);',
      'const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => /node_modules[\\/](zeromq|xmlrpc|pino)[\\/]/.test(file));',
      'process.stdout.write(JSON.stringify(loaded));',
    ].join('\n');
    const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('drives the child specs: one per entry with its dependencies, restart type, grace, endpoint and probe', async () => {
    const specs = childSpecs(config, undefined, withEcho);
    expect(specs.map((spec) => spec.name)).toEqual([...SERVICE_NAMES, 'echo']);
    const echo = specs.at(-1)!;
    expect(echo).toMatchObject({
      dependsOn: ['hub'],
      restart: 'transient',
      stopGraceMs: 1234,
      endpoint: 'tcp://127.0.0.1:7',
      carriesEvents: false,
    });
    await expect(echo.probe()).rejects.toThrow('unused');
    expect(specs.find((spec) => spec.name === 'hub')?.stopGraceMs).toBe(5000);
    expect(childSpecs(config, 8000, withEcho).map((spec) => spec.stopGraceMs)).toEqual(specs.map(() => 8000));
  });

  it('drives the start order and --only', () => {
    expect(startOrder(childSpecs(config, undefined, withEcho), ['echo']).map((spec) => spec.name)).toEqual([
      'broker',
      'rooms',
      'hub',
      'echo',
    ]);
  });

  it('drives the log colours, the supervisor keeping its own', () => {
    expect(logColours(withEcho)).toEqual({ broker: 36, rooms: 35, hub: 32, irc: 95, web: 96, echo: 34, supervisor: 33 });
  });

  it('drives `thiscord serve`: one subcommand per entry', async () => {
    const help = await serveHelp(withEcho);
    for (const name of [...SERVICE_NAMES, 'echo']) expect(help).toMatch(new RegExp(`serve ${name}\\s`));
    expect(await serveHelp(SERVICE_REGISTRY)).not.toContain('serve echo');
  });

  it('drives the names logs and events accept', () => {
    expectTypeOf<ServiceName>().toEqualTypeOf<'broker' | 'rooms' | 'hub' | 'irc' | 'web'>();
    expectTypeOf<LogSource>().toEqualTypeOf<ServiceName | 'supervisor' | 'cli'>();
    expectTypeOf<EventSource>().toEqualTypeOf<ServiceName | 'supervisor' | 'cli'>();
  });
});
