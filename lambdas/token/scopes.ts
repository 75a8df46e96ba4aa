/** Scope granting (RFC 6749 §3.3), with Logto's rule that nothing requested means nothing granted. */
import { OIDC_SCOPES } from '../shared/oauth';

/**
 * Granted = requested ∩ the available scopes (with a resource, those the user's roles grant on it;
 * without, OpenID Connect's) ∩ the PAT's own scope limit when it has one. Unknown scopes are dropped
 * rather than rejected.
 */
export function grantScopes(
  requested: readonly string[] | undefined,
  roleScopes: readonly string[] | null,
  patScopes: readonly string[] | null,
): string[] {
  const available: readonly string[] = roleScopes ?? OIDC_SCOPES;
  return (requested ?? []).filter(
    (scope) => available.includes(scope) && (patScopes === null || patScopes.includes(scope)),
  );
}
