import { serviceMain } from '../../src/runtime/main.js';
import { ircService } from './service.js';

await serviceMain(ircService);
