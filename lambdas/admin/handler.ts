import { createHandler } from '../shared/http/handler';
import * as auditLogs from './audit-logs';
import * as operations from './operations';
import * as roles from './roles';

export const handler = createHandler('admin', 'management', {
  ...operations,
  ...auditLogs,
  ...roles,
});
