import type { CommandModule } from 'yargs';
import { brokerService } from '../../../services/broker/service.js';
import { hubService } from '../../../services/hub/service.js';
import { roomsService } from '../../../services/rooms/service.js';
import { serviceCommand } from '../../service/run-service.js';

export const serveCommand: CommandModule = {
  command: 'serve <service>',
  describe: 'run one service alone in the foreground (the supervisor runs all of them: see "up")',
  builder: (yargs) =>
    yargs
      .command(serviceCommand(brokerService))
      .command(serviceCommand(roomsService))
      .command(serviceCommand(hubService))
      .demandCommand(1, 'name the service to run: broker, rooms or hub'),
  handler: () => undefined,
};
