/** Verifies patgate access tokens the way a resource server does: against the issuer's published JWKS. */
import type { JWTPayload, JWTVerifyResult } from 'jose';

export interface AccessTokenVerifierOptions {
  /** The `iss` of patgate's tokens: `{base URL}/oidc` (the stack's Issuer output). */
  issuer: string;
  /** Defaults to `{issuer}/jwks`, as the discovery documents announce. */
  jwksUri?: string;
  /** Require this `aud` (an API resource indicator). */
  audience?: string;
}

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  scope?: string;
}

/**
 * Returns a function that verifies access tokens: signature (keys are fetched once and re-fetched when an
 * unknown `kid` appears, e.g. after a key rotation), `typ: at+jwt`, issuer, expiry and, if given, audience.
 * It rejects with one of jose's `errors` when a token is not valid.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions) {
  const jwksUrl = new URL(options.jwksUri ?? `${options.issuer}/jwks`);
  // jose is loaded here rather than when the client is imported: the CLI imports it for every command.
  const verifier = import('jose').then(({ createRemoteJWKSet, jwtVerify }) => {
    const jwks = createRemoteJWKSet(jwksUrl);
    return (token: string) =>
      jwtVerify<AccessTokenClaims>(token, jwks, {
        issuer: options.issuer,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat'],
        ...(options.audience ? { audience: options.audience } : {}),
      });
  });
  return async (token: string): Promise<JWTVerifyResult<AccessTokenClaims>> => (await verifier)(token);
}
