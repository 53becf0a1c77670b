import { describe, expect, it } from 'vitest';
import type { CommonConfig } from '../../../src/config/options.js';
import { type ChildSpec, childSpecs } from '../../../src/supervisor/child-spec.js';
import { startOrder } from '../../../src/supervisor/start-order.js';

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
const names = (specs: ChildSpec[]): string[] => specs.map((spec) => spec.name);
const specs = childSpecs(config, 5000);

describe('startOrder', () => {
  it('starts the whole stack broker, then rooms, then hub, then the IRC gateway and the web service', () => {
    expect(names(startOrder(specs))).toEqual(['broker', 'rooms', 'hub', 'irc', 'web']);
  });

  it('adds what an --only service depends on, in dependency order', () => {
    expect(names(startOrder(specs, ['hub']))).toEqual(['broker', 'rooms', 'hub']);
    expect(names(startOrder(specs, ['rooms']))).toEqual(['broker', 'rooms']);
    expect(names(startOrder(specs, ['broker']))).toEqual(['broker']);
    expect(names(startOrder(specs, ['irc']))).toEqual(['broker', 'rooms', 'hub', 'irc']);
    expect(names(startOrder(specs, ['web']))).toEqual(['broker', 'rooms', 'hub', 'web']);
  });

  it('orders by dependencies, not by the order --only lists them', () => {
    expect(names(startOrder(specs, ['hub', 'broker']))).toEqual(['broker', 'rooms', 'hub']);
  });

  it('refuses an unknown service, listing the ones it knows', () => {
    expect(() => startOrder(specs, ['hubb'])).toThrow('unknown service "hubb" in --only; choose from broker, rooms, hub, irc, web');
  });

  it('refuses specs that depend on each other in a cycle', () => {
    const cyclic = specs.map((spec) => (spec.name === 'broker' ? { ...spec, dependsOn: ['hub'] } : spec));
    expect(() => startOrder(cyclic)).toThrow(/cycle/);
  });
});

describe('childSpecs', () => {
  it('hands every child the shared configuration with JSON logs forced', () => {
    for (const spec of childSpecs({ ...config, logFormat: 'pretty' }, 5000)) {
      expect(spec.env).toMatchObject({ THISCORD_LOG_FORMAT: 'json', THISCORD_HUB_PORT: '1', THISCORD_DATA_DIR: '/tmp/thiscord-unit' });
      expect(spec.entry).toMatch(new RegExp(`dist/bundle/${spec.name}\\.js$`));
    }
  });

  it('lets only the broker carry events', () => {
    expect(specs.filter((spec) => spec.carriesEvents).map((spec) => spec.name)).toEqual(['broker']);
  });
});
