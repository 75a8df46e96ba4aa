/** The access token's claims (RFC 9068 profile). Pure: the issuer, ids and time come in. */
import type { ApiResource } from '../shared/model/resource';
import type { PatCredential } from '../shared/model/pat';
import { clampExpiry } from '../shared/model/pat';

export interface AccessTokenClaims {
  jti: string;
  sub: string;
  iss: string;
  aud?: string;
  iat: number;
  exp: number;
  client_id: string;
  /** Always present, `""` when no scope was granted (as Logto issues it). */
  scope: string;
  /** The id of the PAT the token came from (never its value or hash); absent for a PAT not yet migrated. */
  pat_id?: string;
}

export interface ClaimInputs {
  jti: string;
  issuer: string;
  now: number;
  defaultLifetimeSeconds: number;
  credential: PatCredential;
  clientId: string;
  audience: ApiResource | null;
  scopes: readonly string[];
}

/** Undefined when the PAT expires before a token could be issued (within the current second). */
export function buildClaims(inputs: ClaimInputs): AccessTokenClaims | undefined {
  const iat = Math.floor(inputs.now / 1000);
  const lifetime = inputs.audience?.accessTokenTtl ?? inputs.defaultLifetimeSeconds;
  const exp = clampExpiry(iat, lifetime, inputs.credential.expiresAt);
  if (exp <= iat) return undefined;
  return {
    jti: inputs.jti,
    sub: inputs.credential.userId,
    iss: inputs.issuer,
    ...(inputs.audience ? { aud: inputs.audience.indicator } : {}),
    iat,
    exp,
    client_id: inputs.clientId,
    scope: inputs.scopes.join(' '),
    ...(inputs.credential.id ? { pat_id: inputs.credential.id } : {}),
  };
}
