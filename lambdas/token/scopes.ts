/** Scope arithmetic for the token endpoint (RFC 6749 §3.3). */
import { OAuthError } from '../shared/http/errors';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const requested = scope.split(' ').filter(Boolean);
  if (requested.some((token) => !SCOPE_TOKEN.test(token))) {
    throw new OAuthError('invalid_scope', 'The scope parameter contains invalid characters.');
  }
  return [...new Set(requested)];
}

/**
 * Granted = requested ∩ allowed by the resource (or OIDC's) ∩ the PAT's own scopes when it has any.
 * Unknown scopes are dropped rather than rejected; no requested scope means everything allowed.
 */
export function grantScopes(
  requested: readonly string[] | undefined,
  available: readonly string[],
  patScopes: readonly string[] | null,
): string[] {
  const allowed = patScopes === null ? available : available.filter((scope) => patScopes.includes(scope));
  return requested === undefined ? [...allowed] : requested.filter((scope) => allowed.includes(scope));
}
