import { createHandler } from '../shared/http/handler';
import * as auditLogs from './audit-logs';
import * as operations from './operations';

export const handler = createHandler('admin', 'management', { ...operations, ...auditLogs });
