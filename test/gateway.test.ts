import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { sendRequest } from '../client/signed-fetch';
import type { HandlerName, Route } from '../lambdas/routes';
import { startLocalGateway, type LocalGateway, type ProxyHandler } from '../local/gateway/server';

const REGION = 'eu-central-1';
const ACCOUNT_ID = '123456789012';
const ACCESS_KEY_ID = 'AKIALOCALTEST';
const SECRET_ACCESS_KEY = 'local-test-secret';

const routes: Route[] = [
  { method: 'GET', path: '/items/{id}', handler: 'admin', auth: 'none', operation: 'getItem' },
  { method: 'DELETE', path: '/items/{id}', handler: 'admin', auth: 'none', operation: 'deleteItem' },
  { method: 'GET', path: '/items/special', handler: 'admin', auth: 'none', operation: 'getSpecialItem' },
  { method: 'POST', path: '/items/{id}/content', handler: 'admin', auth: 'none', operation: 'putItemContent' },
  { method: 'GET', path: '/private/{id}', handler: 'admin', auth: 'iam', operation: 'getPrivate' },
  { method: 'GET', path: '/throws', handler: 'pats', auth: 'none', operation: 'throws' },
  { method: 'GET', path: '/malformed', handler: 'token', auth: 'none', operation: 'malformed' },
  { method: 'GET', path: '/response', handler: 'discovery', auth: 'none', operation: 'response' },
];

/** Echoes what the gateway handed over, so tests can assert on the event and context. */
const echo: ProxyHandler = async (event, context) => ({
  statusCode: 200,
  body: JSON.stringify({ event, context: { ...context, remainingTimeInMillis: context.getRemainingTimeInMillis() } }),
});

const handlers: Record<HandlerName, ProxyHandler> = {
  admin: echo,
  revocation: echo,
  credentials: echo,
  organizations: echo,
  pats: async () => {
    throw new Error('handler exploded');
  },
  // Deliberately malformed: the body must be a string.
  token: (async () => ({ statusCode: 200, body: { not: 'a string' } })) as unknown as ProxyHandler,
  discovery: async () => ({
    statusCode: 201,
    headers: { 'Content-Type': 'application/octet-stream', 'X-Single': 'one', 'x-both': 'from-headers' },
    multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Both': ['from-multi-value'] },
    body: Buffer.from([0, 255, 16]).toString('base64'),
    isBase64Encoded: true,
  }),
};

let gateway: LocalGateway;
const logLines: string[] = [];
const loads: HandlerName[] = [];

beforeAll(async () => {
  gateway = await startLocalGateway({
    routes,
    region: REGION,
    accountId: ACCOUNT_ID,
    stage: 'test',
    credentials: new Map([[ACCESS_KEY_ID, SECRET_ACCESS_KEY]]),
    log: (line) => logLines.push(line),
    loadHandler: async (name) => {
      loads.push(name);
      return handlers[name];
    },
  });
});
afterAll(() => gateway.close());

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** node:http rather than fetch, to send paths and header names exactly as written. */
function send(method: string, path: string, headers: OutgoingHttpHeaders = {}, body?: Buffer | string) {
  return new Promise<RawResponse>((resolve, reject) => {
    const request = httpRequest(`${gateway.url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          rawHeaders: response.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function echoed(method: string, path: string, headers?: OutgoingHttpHeaders, body?: Buffer | string) {
  const response = await send(method, path, headers, body);
  expect(response.status).toBe(200);
  return JSON.parse(response.body.toString()) as {
    event: APIGatewayProxyEvent;
    context: Context & { remainingTimeInMillis: number };
  };
}

describe('the proxy event', () => {
  it('carries the matched resource, the path and path parameters as sent, and the request context', async () => {
    const { event } = await echoed('GET', '/items/a%20b%2Fc%E2%9C%93');
    expect(event).toMatchObject({
      resource: '/items/{id}',
      path: '/items/a%20b%2Fc%E2%9C%93',
      httpMethod: 'GET',
      pathParameters: { id: 'a%20b%2Fc%E2%9C%93' },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.requestContext).toMatchObject({
      accountId: ACCOUNT_ID,
      apiId: 'local',
      resourcePath: '/items/{id}',
      resourceId: expect.stringMatching(/^[0-9a-f]{6}$/),
      // The method's operation name, which the stack sets from the route table and the handlers dispatch on.
      operationName: 'getItem',
      httpMethod: 'GET',
      path: '/test/items/a%20b%2Fc%E2%9C%93',
      stage: 'test',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      extendedRequestId: expect.any(String),
      requestTime: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
      requestTimeEpoch: expect.any(Number),
      protocol: 'HTTP/1.1',
    });
    expect(event.requestContext.identity).toMatchObject({
      sourceIp: '127.0.0.1',
      accessKey: null,
      userArn: null,
      caller: null,
    });
  });

  it('prefers a literal segment over a parameter, matching it decoded', async () => {
    for (const path of ['/items/special', '/items/%73pecial']) {
      const { event } = await echoed('GET', path);
      expect(event.resource).toBe('/items/special');
      expect(event.pathParameters).toBeNull();
    }
  });

  it('passes single- and multi-value query parameters, form-decoded', async () => {
    const { event } = await echoed('GET', '/items/1?tag=a&tag=b%26c&q=x+y&flag');
    expect(event.queryStringParameters).toEqual({ tag: 'b&c', q: 'x y', flag: '' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b&c'], q: ['x y'], flag: [''] });
  });

  it('keeps header names as sent and repeated headers in multiValueHeaders', async () => {
    const { event } = await echoed('GET', '/items/1', { 'X-Custom-Header': ['one', 'two'], 'user-agent': 'jest' });
    expect(event.headers['X-Custom-Header']).toBe('two');
    expect(event.multiValueHeaders['X-Custom-Header']).toEqual(['one', 'two']);
    expect(event.headers).toMatchObject({ 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Proto': 'http' });
    expect(event.requestContext.identity.userAgent).toBe('jest');
  });

  it('passes a text body as a string and a binary one as base64', async () => {
    const json = await echoed('POST', '/items/1/content', { 'content-type': 'application/json' }, '{"a":"ü"}');
    expect(json.event).toMatchObject({ body: '{"a":"ü"}', isBase64Encoded: false });

    const bytes = Buffer.from([0, 1, 2, 255]);
    const binary = await echoed('POST', '/items/1/content', { 'content-type': 'application/octet-stream' }, bytes);
    expect(binary.event).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });

    const notUtf8 = await echoed(
      'POST',
      '/items/1/content',
      { 'content-type': 'text/plain' },
      Buffer.from([0xc3, 0x28]),
    );
    expect(notUtf8.event).toMatchObject({ body: Buffer.from([0xc3, 0x28]).toString('base64'), isBase64Encoded: true });
  });

  it('puts the verified caller into the identity on iam routes', async () => {
    const response = await sendRequest('GET', `${gateway.url}/private/p1`, {
      signing: { region: REGION, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } },
    });
    expect(response.status).toBe(200);
    const { event } = response.json as { event: APIGatewayProxyEvent };
    expect(event.requestContext.identity).toMatchObject({
      accessKey: ACCESS_KEY_ID,
      accountId: ACCOUNT_ID,
      caller: `local-${ACCESS_KEY_ID}`,
      user: `local-${ACCESS_KEY_ID}`,
      userArn: `arn:aws:iam::${ACCOUNT_ID}:user/local-${ACCESS_KEY_ID}`,
      sourceIp: '127.0.0.1',
    });
  });
});

describe('the Lambda context', () => {
  it('describes the function and its remaining time', async () => {
    const { event, context } = await echoed('GET', '/items/1');
    expect(context).toMatchObject({
      functionName: 'patgate-admin',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:patgate-admin`,
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/patgate-admin',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(context.awsRequestId).not.toBe(event.requestContext.requestId);
    expect(context.remainingTimeInMillis).toBeGreaterThan(9_000);
    expect(context.remainingTimeInMillis).toBeLessThanOrEqual(10_000);
  });

  it('loads each handler once and keeps it warm', async () => {
    await echoed('GET', '/items/1');
    await echoed('GET', '/items/2');
    expect(loads.filter((name) => name === 'admin')).toEqual(['admin']);
  });
});

describe('gateway responses', () => {
  it.each([
    ['an unknown path', 'GET', '/nowhere'],
    ['an unknown method on a known path', 'PUT', '/items/1'],
    ['a method only the parameter sibling of the matched literal resource has', 'DELETE', '/items/special'],
    ['a trailing slash', 'GET', '/items/1/'],
  ])('answers %s with 403 Missing Authentication Token', async (_, method, path) => {
    const response = await send(method, path);
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Missing Authentication Token' });
  });

  it('rejects an unsigned request to an iam route before invoking the handler', async () => {
    const response = await send('GET', '/private/p1');
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it('rejects an iam request signed with the wrong secret', async () => {
    const response = await sendRequest('GET', `${gateway.url}/private/p1`, {
      signing: { region: REGION, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'wrong' } },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('answers a handler that throws with 502 and logs the error', async () => {
    const response = await send('GET', '/throws');
    expect(response.status).toBe(502);
    expect(response.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Internal server error' });
    expect(logLines.some((line) => line.includes('handler pats failed') && line.includes('handler exploded'))).toBe(
      true,
    );
  });

  it('answers a malformed handler result with 502', async () => {
    const response = await send('GET', '/malformed');
    expect(response.status).toBe(502);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Internal server error' });
  });

  it.each([
    ['declared in Content-Length', { 'content-length': String(10 * 1024 * 1024 + 1) }],
    ['streamed in chunks', { 'transfer-encoding': 'chunked' }],
  ])('answers a body over 10 MB %s with 413', async (_, headers) => {
    const response = await send('POST', '/items/1/content', headers, Buffer.alloc(10 * 1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Request Too Long' });
  });
});

describe('the handler response', () => {
  it('passes status, headers and multi-value headers through, and decodes a base64 body', async () => {
    const response = await send('GET', '/response');
    expect(response.status).toBe(201);
    expect(response.body).toEqual(Buffer.from([0, 255, 16]));
    expect(response.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'x-single': 'one',
      'set-cookie': ['a=1', 'b=2'],
      'x-both': 'from-multi-value',
      'x-amzn-requestid': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'content-length': '3',
    });
    expect(response.rawHeaders).toContain('X-Single');
  });

  it('defaults the content type to application/json and exposes the request id', async () => {
    const response = await send('GET', '/items/1');
    const { event } = JSON.parse(response.body.toString()) as { event: APIGatewayProxyEvent };
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-amzn-requestid']).toBe(event.requestContext.requestId);
  });
});

describe('the access log', () => {
  it('logs method, raw path, status and duration, but never credentials or bodies', async () => {
    await sendRequest('POST', `${gateway.url}/items/a%20b/content?x=1`, {
      body: 'secret-body',
      signing: { region: REGION, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } },
    });
    expect(logLines).toContainEqual(expect.stringMatching(/^POST \/items\/a%20b\/content 200 \d+ms$/));
    const everything = logLines.join('\n');
    expect(everything).not.toContain('secret-body');
    expect(everything).not.toContain('Signature=');
    expect(everything).not.toContain(SECRET_ACCESS_KEY);
  });
});
