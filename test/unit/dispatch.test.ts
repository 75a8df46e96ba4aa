/**
 * The handlers dispatch on the operation name API Gateway puts in the event (requestContext.operationName),
 * never on anything the caller sends; an operation another function serves, or none, is a 404.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createHandler } from '../../lambdas/shared/http/handler';
import type { AuditCaller } from '../../lambdas/shared/store/audit';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const context = { awsRequestId: 'unit', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const served: string[] = [];
const callers: AuditCaller[] = [];
const handler = createHandler('discovery', 'oauth', {
  getJwks: async (_event, caller) => (served.push('getJwks'), callers.push(caller), { statusCode: 200, body: '{}' }),
  getOpenIdConfiguration: async () => ({ statusCode: 200, body: '{}' }),
  getAuthorizationServerMetadata: async () => ({ statusCode: 200, body: '{}' }),
});

const event = (operationName: string | undefined, identity: Record<string, unknown> = {}) =>
  ({
    httpMethod: 'GET',
    resource: '/oidc/jwks',
    path: '/oidc/jwks',
    headers: {},
    requestContext: { requestId: 'r-1', operationName, identity: { sourceIp: '192.0.2.1', ...identity } },
  }) as unknown as APIGatewayProxyEvent;

describe('dispatch', () => {
  beforeEach(() => {
    served.length = 0;
    callers.length = 0;
  });

  it('runs the operation API Gateway named', async () => {
    const response = await handler(event('getJwks'), context);
    expect(response.statusCode).toBe(200);
    expect(served).toEqual(['getJwks']);
  });

  it("hands the operation the request's caller, as its audit events name it", async () => {
    const arn = 'arn:aws:iam::123456789012:user/alice';
    await handler(event('getJwks', { userArn: arn, caller: 'AIDAEXAMPLE' }), context);
    await handler(event('getJwks', { caller: 'AIDAEXAMPLE' }), context);
    // Without an IAM identity (a public route), the caller is `public`.
    await handler(event('getJwks', { sourceIp: '198.51.100.7' }), context);
    expect(callers).toEqual([
      { callerArn: arn, sourceIp: '192.0.2.1', requestId: 'r-1' },
      { callerArn: 'AIDAEXAMPLE', sourceIp: '192.0.2.1', requestId: 'r-1' },
      { callerArn: 'public', sourceIp: '198.51.100.7', requestId: 'r-1' },
    ]);
  });

  it.each([
    ['another function', 'exchangeToken'],
    ['no operation', undefined],
    ['an inherited property', 'constructor'],
    ['a prototype key', '__proto__'],
    ['an unknown name', 'getJWKS'],
  ])('answers 404 route.not_found for %s', async (_case, name) => {
    const response = await handler(event(name), context);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ code: 'route.not_found', message: 'No such route.' });
    expect(served).toEqual([]);
  });
});
