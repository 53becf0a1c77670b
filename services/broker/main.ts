import { serviceMain } from '../../src/runtime/main.js';
import { brokerService } from './service.js';

await serviceMain(brokerService);
