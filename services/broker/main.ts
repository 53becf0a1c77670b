import { serviceMain } from '../../src/service/main.js';
import { brokerService } from './service.js';

await serviceMain(brokerService);
