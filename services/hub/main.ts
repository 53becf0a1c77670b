import { serviceMain } from '../../src/runtime/main.js';
import { hubService } from './service.js';

await serviceMain(hubService);
