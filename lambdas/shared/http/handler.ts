/**
 * Builds a Lambda handler: middy with Powertools logging and metrics, dispatch on the route the
 * API Gateway matched (from the shared route table), and errors mapped to protocol responses.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { findRoute, type HandlerName, type OperationsOf } from '../../routes';
import { DependencyError } from '../errors';
import { errorResponse, json, type Protocol } from './responses';
import { countMetric, logger, metrics } from '../observability';
import { withAuditCaller } from '../store/audit';

export type Operation = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export function createHandler<H extends HandlerName>(
  handlerName: H,
  protocol: Protocol,
  operations: Record<OperationsOf<H>, Operation>,
) {
  const dispatch = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const route = findRoute(event.httpMethod, event.resource);
    const operation = route?.handler === handlerName ? operations[route.operation as OperationsOf<H>] : undefined;
    if (!operation) return json(404, { code: 'route.not_found', message: 'No such route.' });

    const identity = event.requestContext?.identity;
    logger.setCorrelationId(event.requestContext?.requestId);
    logger.appendKeys({
      operation: route!.operation,
      ...(route!.auth === 'iam' ? { caller: identity?.userArn ?? identity?.caller ?? null } : {}),
    });
    try {
      // Audit events (store/audit.ts) record who asked: the IAM caller, or `public` on public routes.
      const caller = {
        callerArn: route!.auth === 'iam' ? (identity?.userArn ?? identity?.caller ?? 'unknown') : 'public',
        sourceIp: identity?.sourceIp ?? null,
        requestId: event.requestContext?.requestId ?? null,
      };
      return await withAuditCaller(caller, () => operation(event));
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
