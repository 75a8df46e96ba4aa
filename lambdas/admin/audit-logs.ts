/** The audit trail: every management change, newest first, with Logto's page/page_size pagination. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiErrors } from '../shared/errors';
import { json } from '../shared/http/responses';
import { userIdParameter, validate } from '../shared/management/request';
import { auditQuerySchema } from '../shared/management/schemas';
import { queryAuditEvents, type AuditQuery } from '../shared/store/audit';
import { paginate } from '../pats/pagination';

async function list(event: APIGatewayProxyEvent, userId: string | undefined) {
  const query = validate(auditQuerySchema, event.queryStringParameters ?? {}, 'query');
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw apiErrors.invalidInput('from must not be after to.');
  }
  const filters: AuditQuery = {
    userId: userId ?? query.userId,
    patName: query.patName,
    action: query.action,
    from: query.from,
    to: query.to,
  };
  const events = await queryAuditEvents(filters);
  const { items, headers } = paginate(event, events, query.page, query.page_size);
  return json(200, items, headers);
}

export const listAuditLogs = (event: APIGatewayProxyEvent) => list(event, undefined);

export const listUserAuditLogs = (event: APIGatewayProxyEvent) => list(event, userIdParameter(event));
