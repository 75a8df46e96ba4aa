/**
 * The REST API (v1) Lambda proxy event, built as API Gateway builds it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import type { OperationNamed } from '../../lambdas/shared/http/handler';
import type { RouteMatch } from './router';

export interface ReceivedRequest {
  method: string;
  /** As received, still percent-encoded, without the query. */
  rawPath: string;
  rawQuery: string;
  /** `IncomingMessage.rawHeaders`: names in their original case alternating with values. */
  rawHeaders: readonly string[];
  body: Buffer;
  httpVersion: string;
  sourceIp: string;
  /** The gateway's own port, forwarded as `X-Forwarded-Port`. */
  localPort: number;
}

export interface InvocationDetails {
  match: RouteMatch;
  /** The verified SigV4 access key, on `iam` routes. */
  callerAccessKeyId: string | undefined;
  accountId: string;
  stage: string;
  requestId: string;
  extendedRequestId: string;
  receivedAt: Date;
}

export function buildProxyEvent(
  request: ReceivedRequest,
  details: InvocationDetails,
): APIGatewayProxyEvent & OperationNamed {
  const { route, pathParameters } = details.match;
  const { headers, multiValueHeaders } = groupHeaders(withForwardingHeaders(request));
  const { queryStringParameters, multiValueQueryStringParameters } = groupQuery(request.rawQuery);
  const userAgent = headerValue(headers, 'user-agent') ?? null;

  return {
    resource: route.path,
    // Like the path parameters (see router), still percent-encoded: REST APIs pass the path as sent.
    path: request.rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: details.accountId,
      apiId: 'local',
      authorizer: null,
      domainName: headerValue(headers, 'host'),
      extendedRequestId: details.extendedRequestId,
      httpMethod: request.method,
      // Set because the stack gives every method its operation name; the handlers dispatch on it.
      operationName: route.operation,
      identity: identityOf(details, request.sourceIp, userAgent),
      path: `/${details.stage}${request.rawPath}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId: details.requestId,
      requestTime: formatRequestTime(details.receivedAt),
      requestTimeEpoch: details.receivedAt.getTime(),
      resourceId: resourceIdOf(route.path),
      resourcePath: route.path,
      stage: details.stage,
    },
    ...encodeBody(request.body, headerValue(headers, 'content-type')),
  };
}

const resourceIds = new Map<string, string>();

/** A stable id per resource path (API Gateway's are random; only stability matters), computed once per path. */
function resourceIdOf(path: string): string {
  let id = resourceIds.get(path);
  if (id === undefined) {
    id = createHash('sha256').update(path).digest('hex').slice(0, 6);
    resourceIds.set(path, id);
  }
  return id;
}

/** API Gateway appends the client address to `X-Forwarded-For` and overwrites the port and protocol headers. */
function withForwardingHeaders(request: ReceivedRequest): Array<[string, string]> {
  const received = pairs(request.rawHeaders);
  const isForwardingHeader = (name: string) => /^x-forwarded-(for|port|proto)$/i.test(name);
  const forwardedFor = received.filter(([name]) => /^x-forwarded-for$/i.test(name)).map(([, value]) => value);
  return [
    ...received.filter(([name]) => !isForwardingHeader(name)),
    ['X-Forwarded-For', [...forwardedFor, request.sourceIp].join(', ')],
    ['X-Forwarded-Port', String(request.localPort)],
    ['X-Forwarded-Proto', 'http'],
  ];
}

function pairs(flat: readonly string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([flat[index]!, flat[index + 1]!]);
  return result;
}

/** Repeated headers keep the case of their first occurrence; the single-value map holds the last value. */
function groupHeaders(headerPairs: Array<[string, string]>) {
  const nameByLowerCase = new Map<string, string>();
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [receivedName, value] of headerPairs) {
    const name = nameByLowerCase.get(receivedName.toLowerCase()) ?? receivedName;
    nameByLowerCase.set(name.toLowerCase(), name);
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function headerValue(headers: Record<string, string>, lowerCaseName: string): string | undefined {
  const name = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lowerCaseName);
  return name === undefined ? undefined : headers[name];
}

/**
 * Form-style decoding, `+` included: API Gateway REST turns `?q=a+b` into `"a b"`
 * (https://github.com/aws/aws-cdk/issues/19827). The single-value map holds the last value.
 */
function groupQuery(rawQuery: string) {
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    if (name === '') continue;
    queryStringParameters[name] = value;
    (multiValueQueryStringParameters[name] ??= []).push(value);
  }
  const hasParameters = Object.keys(queryStringParameters).length > 0;
  return {
    queryStringParameters: hasParameters ? queryStringParameters : null,
    multiValueQueryStringParameters: hasParameters ? multiValueQueryStringParameters : null,
  };
}

function identityOf(details: InvocationDetails, sourceIp: string, userAgent: string | null): APIGatewayEventIdentity {
  const accessKey = details.callerAccessKeyId ?? null;
  const user = accessKey && `local-${accessKey}`;
  return {
    accessKey,
    accountId: accessKey && details.accountId,
    apiKey: null,
    apiKeyId: null,
    caller: user,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user,
    userAgent,
    userArn: user && `arn:aws:iam::${details.accountId}:user/${user}`,
  };
}

/**
 * Text bodies are passed as UTF-8 strings; anything else is base64 with `isBase64Encoded`, as API Gateway does
 * for binary media types.
 */
function encodeBody(
  body: Buffer,
  contentType: string | undefined,
): Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'> {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  if (isTextMediaType(contentType) && isUtf8(body)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

const TEXT_MEDIA_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/javascript',
]);

function isTextMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    TEXT_MEDIA_TYPES.has(mediaType) ||
    mediaType.endsWith('+json') ||
    mediaType.endsWith('+xml')
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09/Apr/2015:12:34:56 +0000`, the CLF-style timestamp API Gateway uses. */
function formatRequestTime(time: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${pad(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}`;
  return `${date}:${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`;
}
