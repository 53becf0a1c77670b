import { serviceMain } from '../../src/runtime/main.js';
import { webService } from './service.js';

await serviceMain(webService);
