import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { type CommonArgs, commonConfigFrom, commonConfigToEnv, commonOptions, withEnv } from '../../src/config/options.js';
import { ConfigError, parseDurationMs, parsePort } from '../../src/config/validate.js';

function parse(argv: string[], env: Record<string, string> = {}): CommonArgs {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return yargs(argv)
      .options(commonOptions())
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseSync() as unknown as CommonArgs;
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('configuration', () => {
  it('defaults to the seed endpoints on loopback', () => {
    const config = commonConfigFrom(parse([]));
    expect(config).toMatchObject({
      host: '127.0.0.1',
      hubPort: 12345,
      roomsPort: 3000,
      brokerPullPort: 5555,
      brokerPubPort: 5556,
      logLevel: 'info',
    });
    expect(config.dataDir).toMatch(/\.thiscord$/);
  });

  it('reads every value from THISCORD_ environment variables', () => {
    const config = commonConfigFrom(
      parse([], {
        THISCORD_HOST: '127.0.0.2',
        THISCORD_HUB_PORT: '2000',
        THISCORD_IRC_PORT: '2004',
        THISCORD_WEB_PORT: '2005',
        THISCORD_ROOMS_PORT: '2001',
        THISCORD_BROKER_PULL_PORT: '2002',
        THISCORD_BROKER_PUB_PORT: '2003',
        THISCORD_DATA_DIR: '/tmp/x',
        THISCORD_LOG_LEVEL: 'debug',
        THISCORD_LOG_FORMAT: 'json',
      }),
    );
    expect(config).toEqual({
      host: '127.0.0.2',
      hubPort: 2000,
      ircPort: 2004,
      webPort: 2005,
      roomsPort: 2001,
      brokerPullPort: 2002,
      brokerPubPort: 2003,
      dataDir: '/tmp/x',
      logLevel: 'debug',
      logFormat: 'json',
    });
  });

  it('lets a flag win over the environment', () => {
    expect(parse(['--hub-port', '4000'], { THISCORD_HUB_PORT: '2000' }).hubPort).toBe(4000);
  });

  it('rejects a port out of range with a message naming the flag and the variable', () => {
    expect(() => parse(['--hub-port', '70000'])).toThrow(
      /--hub-port \(or THISCORD_HUB_PORT\) must be a whole number from 1 to 65535; got 70000/,
    );
    expect(() => parse([], { THISCORD_ROOMS_PORT: 'abc' })).toThrow(/--rooms-port/);
  });

  it('takes only options from THISCORD_ variables: THISCORD_SECRET becomes no flag, THISCORD_HUB_PORT a default', () => {
    const env = { THISCORD_SECRET: 'not a flag', THISCORD_HUB_PORT: '2000' };
    const options = withEnv(commonOptions(), env);
    expect(Object.keys(options)).toEqual(Object.keys(commonOptions()));
    expect(options['hub-port'].default).toBe('2000');
    const parsed = yargs([])
      .options(options)
      .strict()
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseSync() as Record<string, unknown>;
    expect(parsed.hubPort).toBe(2000);
    expect(Object.keys(parsed).filter((key) => /secret/i.test(key))).toEqual([]);
  });

  it('rejects an unknown log format or level', () => {
    expect(() => parse(['--log-format', 'xml'])).toThrow(/--log-format .* one of pretty, json/);
    expect(() => parse(['--log-level', 'loud'])).toThrow(/--log-level/);
  });

  it('round-trips through the environment handed to child processes, every field', () => {
    const config = commonConfigFrom(
      parse([
        '--host',
        '127.0.0.9',
        '--hub-port',
        '4321',
        '--irc-port',
        '4325',
        '--rooms-port',
        '4322',
        '--broker-pull-port',
        '4323',
        '--broker-pub-port',
        '4324',
        '--web-port',
        '4326',
        '--data-dir',
        '/tmp/thiscord-round-trip',
        '--log-level',
        'warn',
        '--log-format',
        'pretty',
      ]),
    );
    const defaults = commonConfigFrom(parse([]));
    // Every field differs from its default, so a variable the environment lost would show.
    for (const key of Object.keys(config) as (keyof typeof config)[]) expect(config[key], key).not.toEqual(defaults[key]);
    expect(commonConfigFrom(parse([], commonConfigToEnv(config)))).toEqual(config);
  });

  it('parses ports and durations strictly', () => {
    expect(parsePort('p', '80')).toBe(80);
    expect(() => parsePort('p', '8.5')).toThrow(ConfigError);
    expect(() => parsePort('p', '0')).toThrow(ConfigError);
    expect(parseDurationMs('d', '250ms')).toBe(250);
    expect(parseDurationMs('d', '10s')).toBe(10_000);
    expect(parseDurationMs('d', '7d')).toBe(7 * 86_400_000);
    expect(parseDurationMs('d', 1500)).toBe(1500);
    expect(() => parseDurationMs('d', '5 parsecs')).toThrow(/--d .* a duration/);
  });
});
