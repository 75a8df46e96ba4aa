/**
 * Assertions on the error shapes each protocol promises: RFC 6749 §5.2 at the token endpoint, Logto's
 * `{code, message}` on the Management API, and API Gateway's own `{message}` for IAM auth failures.
 * They throw, so they work inside fast-check properties too (which then shrink the failing case).
 */
import { PatgateApiError } from '../../client/management-client';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const PAT_TOKEN_TYPE = 'urn:logto:token-type:personal_access_token';

const OAUTH_CLIENT_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
]);

/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (printable ASCII but `"` and `\`). */
const DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

const GATEWAY_DENIALS =
  /^(MissingAuthenticationToken|IncompleteSignature|InvalidSignature|UnrecognizedClient)Exception$/;

/** What any HTTP client in these tests returns; `headers` is a `Headers` or a plain record. */
export interface AnyResponse {
  status: number;
  text: string;
  json: unknown;
  headers: Headers | Record<string, string | string[] | undefined>;
}

export function headerOf(response: AnyResponse, name: string): string | undefined {
  const { headers } = response;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function ensure(condition: boolean, problem: string, response: AnyResponse): void {
  if (!condition) throw new Error(`${problem}; got ${response.status} ${response.text.slice(0, 300)}`);
}

function jsonObject(response: AnyResponse): Record<string, unknown> {
  const body = response.json;
  ensure(typeof body === 'object' && body !== null && !Array.isArray(body), 'expected a JSON object body', response);
  ensure(/^application\/json/.test(headerOf(response, 'content-type') ?? ''), 'expected JSON', response);
  return body as Record<string, unknown>;
}

/** An `access_token` member, or a JWT-shaped string, anywhere in the body means a token got out. */
export function expectNoToken(response: AnyResponse): void {
  ensure(!/"access_token"|eyJ[\w-]*\.eyJ[\w-]*\./.test(response.text), 'a token in an error response', response);
}

/**
 * RFC 6749 §5.2's `{error, error_description}` and, beside them, Logto's `{code, message}` carrying the same
 * facts: `code` is `oidc.<error>` and `message` the error_description. Nothing else.
 */
function expectOAuthErrorMembers(body: Record<string, unknown>, response: AnyResponse): void {
  const members = Object.keys(body).sort().join(',');
  ensure(members === 'code,error,error_description,message', 'unexpected members', response);
  ensure(body.code === `oidc.${String(body.error)}`, 'expected code to be oidc.<error>', response);
  ensure(body.message === body.error_description, 'expected message to equal error_description', response);
}

/**
 * A 4xx RFC 6749 error: JSON `{error, error_description, code, message}` with a registered code, a description in the
 * RFC's character set, `Cache-Control: no-store`, and no token. `sentAuthorization`: RFC 6749 §5.2 requires
 * WWW-Authenticate on a 401 when the client tried the Authorization header.
 */
export function expectOAuthClientError(
  response: AnyResponse,
  expected: { status?: number; error?: string; description?: string; sentAuthorization?: boolean } = {},
): void {
  ensure(response.status >= 400 && response.status < 500, 'expected a 4xx', response);
  if (expected.status !== undefined)
    ensure(response.status === expected.status, `expected ${expected.status}`, response);
  const body = jsonObject(response);
  expectOAuthErrorMembers(body, response);
  ensure(OAUTH_CLIENT_ERRORS.has(String(body.error)), 'not an RFC 6749 error code', response);
  if (expected.error !== undefined) ensure(body.error === expected.error, `expected ${expected.error}`, response);
  ensure(
    typeof body.error_description === 'string' && DESCRIPTION_CHARSET.test(body.error_description),
    'error_description outside the RFC 6749 character set',
    response,
  );
  if (expected.description !== undefined) {
    ensure(body.error_description === expected.description, `expected "${expected.description}"`, response);
  }
  ensure(headerOf(response, 'cache-control') === 'no-store', 'expected Cache-Control: no-store', response);
  if (response.status === 401 && expected.sentAuthorization) {
    ensure(/^Basic /.test(headerOf(response, 'www-authenticate') ?? ''), 'a 401 without WWW-Authenticate', response);
  }
  expectNoToken(response);
}

/** 503 `temporarily_unavailable` with Retry-After, or 500 `server_error` where retrying can't help. */
export function expectOAuthServerError(response: AnyResponse, kind: 'retryable' | 'permanent'): void {
  const [status, error] = kind === 'retryable' ? [503, 'temporarily_unavailable'] : [500, 'server_error'];
  ensure(response.status === status, `expected ${status}`, response);
  const body = jsonObject(response);
  expectOAuthErrorMembers(body, response);
  ensure(body.error === error, `expected ${error}`, response);
  ensure(headerOf(response, 'cache-control') === 'no-store', 'expected Cache-Control: no-store', response);
  const retryAfter = headerOf(response, 'retry-after');
  if (kind === 'retryable') ensure(Number(retryAfter) > 0, 'expected Retry-After', response);
  else ensure(retryAfter === undefined, 'Retry-After where retrying cannot help', response);
  expectNoToken(response);
}

/** A Management API 4xx: JSON `{code, message}` (plus optional `details`). */
export function expectManagementError(response: AnyResponse, expected: { status?: number; code?: string } = {}): void {
  ensure(response.status >= 400 && response.status < 500, 'expected a 4xx', response);
  if (expected.status !== undefined)
    ensure(response.status === expected.status, `expected ${expected.status}`, response);
  const body = jsonObject(response);
  ensure(typeof body.code === 'string' && /^[a-z_]+\.[a-z_]+$/.test(body.code), 'expected a code', response);
  ensure(typeof body.message === 'string' && body.message !== '', 'expected a message', response);
  ensure(
    Object.keys(body).every((key) => ['code', 'message', 'details'].includes(key)),
    'unexpected members',
    response,
  );
  if (expected.code !== undefined) ensure(body.code === expected.code, `expected ${expected.code}`, response);
}

/** API Gateway's own 403 for IAM auth failures: exactly `{message}`, and the `x-amzn-ErrorType` header. */
export function expectGatewayDenial(response: AnyResponse, errorType: RegExp = GATEWAY_DENIALS): void {
  ensure(response.status === 403, 'expected 403', response);
  const body = jsonObject(response);
  ensure(
    Object.keys(body).join() === 'message' && typeof body.message === 'string',
    'expected exactly {message}',
    response,
  );
  ensure(
    errorType.test(headerOf(response, 'x-amzn-errortype') ?? ''),
    `expected x-amzn-ErrorType ${errorType}`,
    response,
  );
}

/** The status and Logto `code` a typed-client call failed with; fails the test if the call succeeded. */
export async function managementError(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof PatgateApiError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('the call succeeded');
}
