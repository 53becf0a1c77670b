import { serviceMain } from '../../src/service/main.js';
import { roomsService } from './service.js';

await serviceMain(roomsService);
