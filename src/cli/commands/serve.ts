import { serviceCommand } from '../../runtime/run-service.js';
import { SERVICE_REGISTRY, type ServiceEntry, type ServiceName } from '../../stack/registry.js';
import { defineCommand } from '../command.js';

/** `serve <service>`: one subcommand per registered service, with that service's own flags. */
export function serveCommand(registry: readonly ServiceEntry<ServiceName>[] = SERVICE_REGISTRY) {
  const names = registry.map((entry) => entry.service.name);
  return defineCommand({
    builder: (yargs) => {
      for (const entry of registry) yargs.command(serviceCommand(entry.service));
      return yargs.demandCommand(1, `name the service to run: ${names.join(', ')}`);
    },
    // Never runs: yargs runs the named service's own command, and without one demandCommand fails first.
    handler: () => undefined,
  });
}
