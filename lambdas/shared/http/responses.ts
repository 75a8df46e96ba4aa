import type { APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, DependencyError, OAuthError } from '../errors';

export type Protocol = 'oauth' | 'management';

const JSON_TYPE = 'application/json; charset=utf-8';
const RETRY_AFTER_SECONDS = '1';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': JSON_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: '' };
}

/** Token endpoint responses (success and error) must never be cached: RFC 6749 §5.1. */
export const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §5.2's fields, plus Logto's `code` and `message` so Logto clients read them too. */
function oauthError(error: OAuthError): APIGatewayProxyResult {
  return json(
    error.status,
    {
      error: error.error,
      error_description: error.description,
      code: `oidc.${error.error}`,
      message: error.description,
    },
    { ...noStore, ...error.headers },
  );
}

/** How any error thrown at the token endpoint is reported: retryable outages as 503, the unknown as 500. */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof DependencyError && error.retryable) {
    return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; retry shortly.', {
      'Retry-After': RETRY_AFTER_SECONDS,
    });
  }
  return new OAuthError('server_error', 'The server could not complete the request.');
}

/** The one place where errors become protocol responses. Unknown errors become a bare 500. */
export function errorResponse(protocol: Protocol, error: unknown): APIGatewayProxyResult {
  if (protocol === 'oauth') return oauthError(toOAuthError(error));

  if (error instanceof ApiError) {
    const body: Record<string, unknown> = { code: error.code, message: error.message };
    if (error.details !== undefined) body.details = error.details;
    return json(error.status, body);
  }
  if (error instanceof DependencyError && error.retryable) {
    return json(
      503,
      { code: 'service.unavailable', message: 'The service is temporarily unavailable; retry shortly.' },
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
  }
  return json(500, { code: 'unknown', message: 'Internal server error.' });
}
