/** Scope granting (RFC 6749 §3.3), with Logto's rule that nothing requested means nothing granted. */
import { OIDC_SCOPES } from '../shared/oauth';
import type { ApiResource } from '../shared/model/resource';

/**
 * Granted = requested ∩ the audience's scopes (the resource's, or OpenID Connect's without one) ∩ the
 * PAT's own scope limit when it has one. Unknown scopes are dropped rather than rejected.
 */
export function grantScopes(
  requested: readonly string[] | undefined,
  audience: ApiResource | null,
  patScopes: readonly string[] | null,
): string[] {
  const available: readonly string[] = audience ? audience.scopes : OIDC_SCOPES;
  return (requested ?? []).filter(
    (scope) => available.includes(scope) && (patScopes === null || patScopes.includes(scope)),
  );
}
