import { serviceMain } from '../../src/service/main.js';
import { hubService } from './service.js';

await serviceMain(hubService);
