import type { CommandModule } from 'yargs';
import { serviceCommand } from '../../runtime/run-service.js';
import { SERVICE_REGISTRY, type ServiceEntry, type ServiceName } from '../../stack/registry.js';

/** `serve <service>`: one subcommand per registered service, with that service's own flags. */
export function serveCommand(registry: readonly ServiceEntry<ServiceName>[] = SERVICE_REGISTRY): CommandModule {
  const names = registry.map((entry) => entry.service.name);
  return {
    command: 'serve <service>',
    describe: 'run one service alone in the foreground (the supervisor runs all of them: see "up")',
    builder: (yargs) => {
      for (const entry of registry) yargs.command(serviceCommand(entry.service));
      return yargs.demandCommand(1, `name the service to run: ${names.join(', ')}`);
    },
    handler: () => undefined,
  };
}
