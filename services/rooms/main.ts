import { serviceMain } from '../../src/runtime/main.js';
import { roomsService } from './service.js';

await serviceMain(roomsService);
