/**
 * Builds a Lambda handler: middy with Powertools logging and metrics, dispatch on the operation of the route
 * API Gateway matched, and errors mapped to protocol responses.
 *
 * API Gateway names the operation in the event (`requestContext.operationName`: the CDK stack and the local gateway
 * set each method's operation name from the route table), so the table itself stays out of the bundles. The field
 * is in REST proxy events whenever the method has an operation name (AWS's Go and Java event types model it; the
 * developer guide's format omits it); without it the answer is 404.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { HandlerName, OperationsOf } from '../../routes';
import { DependencyError } from '../errors';
import { errorResponse, json, type Protocol } from './responses';
import { countMetric, logger, metrics } from '../observability';
import type { AuditCaller } from '../store/audit';

/** An operation gets the event and who sent it: the caller its changes' audit events name (store/audit.ts). */
export type Operation = (event: APIGatewayProxyEvent, caller: AuditCaller) => Promise<APIGatewayProxyResult>;

/** The method's operation name, which API Gateway's REST proxy events carry and @types/aws-lambda omits. */
export type OperationNamed = { requestContext: { operationName?: string } };

/** The IAM caller: API Gateway fills it in only on IAM-authorized methods; on public ones it is null. */
const iamCallerOf = ({ requestContext: { identity } }: APIGatewayProxyEvent) =>
  identity?.userArn ?? identity?.caller ?? undefined;

/** Who sent the request, as its audit events record it: the IAM caller, or `public` on public routes. */
export function auditCaller(event: APIGatewayProxyEvent, iamCaller = iamCallerOf(event)): AuditCaller {
  const { identity, requestId } = event.requestContext;
  return { callerArn: iamCaller ?? 'public', sourceIp: identity?.sourceIp ?? null, requestId: requestId ?? null };
}

export function createHandler<H extends HandlerName>(
  _handlerName: H,
  protocol: Protocol,
  operations: Record<OperationsOf<H>, Operation>,
) {
  const dispatch = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const name = (event as APIGatewayProxyEvent & Partial<OperationNamed>).requestContext?.operationName;
    const operation =
      name !== undefined && Object.hasOwn(operations, name) ? operations[name as OperationsOf<H>] : undefined;
    if (!operation) return json(404, { code: 'route.not_found', message: 'No such route.' });

    const iamCaller = iamCallerOf(event);
    logger.setCorrelationId(event.requestContext.requestId);
    logger.appendKeys({ operation: name, ...(iamCaller !== undefined ? { caller: iamCaller } : {}) });
    try {
      return await operation(event, auditCaller(event, iamCaller));
    } catch (error) {
      const response = errorResponse(protocol, error);
      if (response.statusCode >= 500) {
        const dependency = error instanceof DependencyError ? error.dependency : 'none';
        countMetric('DependencyFailure', { dependency });
        logger.error('request failed', { error: error as Error, status: response.statusCode });
      }
      return response;
    }
  };

  return (
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      // Events carry PATs, client secrets and Authorization headers: never log them, whatever
      // POWERTOOLS_LOGGER_LOG_EVENT says (an explicit option takes precedence over it).
      .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
      .use(logMetrics(metrics))
      .handler(dispatch)
  );
}
