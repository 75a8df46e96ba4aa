/**
 * The RFC 8693 token request for a PAT, as form body and headers. Pure and browser-safe: the typed client
 * (Node) and the console page both send it.
 */
import { PAT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../lambdas/shared/oauth';

export interface ExchangeInput {
  pat: string;
  clientId: string;
  /** Confidential clients' secret, sent with HTTP Basic; public clients send client_id alone. */
  clientSecret?: string;
  resource?: string;
  /** Logto's organization token (for members of the organization). */
  organizationId?: string;
  scope?: string;
}

export function tokenExchangeRequest(input: ExchangeInput): { body: string; headers: Record<string, string> } {
  const form = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: input.pat,
    subject_token_type: PAT_TOKEN_TYPE,
  });
  if (input.resource) form.set('resource', input.resource);
  if (input.organizationId) form.set('organization_id', input.organizationId);
  if (input.scope) form.set('scope', input.scope);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (input.clientSecret === undefined) form.set('client_id', input.clientId);
  else headers.authorization = basicAuthorization(input.clientId, input.clientSecret);
  return { body: form.toString(), headers };
}

/** RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded. */
function basicAuthorization(id: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${btoa(`${encode(id)}:${encode(secret)}`)}`;
}

export interface ClientAuthenticatedInput {
  /** The token to introspect or revoke: an access token, or (revocation) a PAT value. */
  token: string;
  clientId: string;
  clientSecret?: string;
  tokenTypeHint?: string;
}

/** RFC 7662 / RFC 7009 requests: `token` (+ hint), authenticated as the token request is. */
export function clientAuthenticatedRequest(input: ClientAuthenticatedInput): {
  body: string;
  headers: Record<string, string>;
} {
  const form = new URLSearchParams({ token: input.token });
  if (input.tokenTypeHint) form.set('token_type_hint', input.tokenTypeHint);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (input.clientSecret === undefined) form.set('client_id', input.clientId);
  else headers.authorization = basicAuthorization(input.clientId, input.clientSecret);
  return { body: form.toString(), headers };
}
