/** What the "try it" panel shows about an access token: its decoded parts and whether it verifies. */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { api } from './api';

export interface TokenInspection {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
  verification: { ok: true; kid: string | undefined; alg: string } | { ok: false; reason: string };
}

/**
 * Decodes the token and verifies it as a resource server would: signature against the JWKS (fetched now,
 * so a rotation shows), `typ: at+jwt`, the discovery document's issuer, the expected audience, and time.
 */
export async function inspectAccessToken(token: string, audience: string | undefined): Promise<TokenInspection> {
  const header = decodeProtectedHeader(token);
  const claims = decodeJwt(token);
  try {
    const [jwks, discovery] = await Promise.all([api.oidc.jwks(), api.oidc.discovery()]);
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: jwks.keys as JWK[] }), {
      issuer: discovery.issuer,
      typ: 'at+jwt',
      ...(audience ? { audience } : {}),
    });
    return { header, claims, verification: { ok: true, kid: protectedHeader.kid, alg: protectedHeader.alg } };
  } catch (error) {
    return {
      header,
      claims,
      verification: { ok: false, reason: error instanceof Error ? error.message : String(error) },
    };
  }
}
