/**
 * RFC 7662 introspection and RFC 7009 revocation of access tokens (and, for revocation, PAT values).
 *
 * An access token is first verified against the published keys (the JWKS), then, in one strongly
 * consistent BatchGetItem, checked against what may have changed since it was issued: its PAT (by the
 * token's `pat_id`: gone once deleted, rotated out or purged), the owner (deleted, suspended, or a
 * revoke-all: another PAT epoch) and a revocation of its `jti`. So a token answers `active: false` at
 * once, not at its exp.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { env } from '../shared/config';
import { hashPatValue, isWellFormedPat } from '../shared/crypto/pat-value';
import { OAuthError } from '../shared/errors';
import { isConfidential, type Application } from '../shared/model/application';
import { PAT_TOKEN_TYPE } from '../shared/oauth';
import { publishedKeys } from '../shared/signing/published-keys';
import type { AuditCaller } from '../shared/store/audit';
import { revokePatByHash } from '../shared/store/pats';
import { getTokenStanding, revokeAccessToken } from '../shared/store/revocation';
import { authenticateApplication, loadApplication } from '../token/client-auth';
import { parseClientForm, type TokenHttpRequest } from '../token/token-request';

export interface AccessTokenPayload extends JWTPayload {
  jti: string;
  sub: string;
  exp: number;
  iat: number;
  client_id: string;
  scope?: string;
  pat_id?: string;
}

/** The claims of a token this issuer signed and that hasn't expired; undefined for anything else. */
export async function verifyAccessToken(token: string): Promise<AccessTokenPayload | undefined> {
  const jwks = createLocalJWKSet(await publishedKeys.get());
  try {
    const { payload } = await jwtVerify(token, jwks, { issuer: env.issuer(), typ: 'at+jwt' });
    const ok =
      typeof payload.jti === 'string' &&
      typeof payload.sub === 'string' &&
      typeof payload.exp === 'number' &&
      typeof payload.iat === 'number' &&
      typeof payload.client_id === 'string';
    return ok ? (payload as AccessTokenPayload) : undefined;
  } catch {
    return undefined;
  }
}

async function authenticated(http: TokenHttpRequest): Promise<{ client: Application; params: Map<string, string> }> {
  const { client, params } = parseClientForm(http);
  return { client: authenticateApplication(await loadApplication(client.clientId), client), params };
}

function tokenParameter(params: Map<string, string>): string {
  const token = params.get('token');
  if (!token) throw new OAuthError('invalid_request', 'Missing token.');
  return token;
}

export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      aud?: string | string[];
      iss: string;
      exp: number;
      iat: number;
      jti: string;
      token_type: 'Bearer';
      pat_id: string;
    };

const INACTIVE = { active: false } as const;

/** Whether the token is usable right now (see the module comment), with RFC 7662's fields when it is. */
export async function introspect(http: TokenHttpRequest, now: number): Promise<IntrospectionResponse> {
  const { client, params } = await authenticated(http);
  const payload = await verifyAccessToken(tokenParameter(params));
  if (!payload) return INACTIVE;
  // As oidc-provider's default policy: a public client may introspect only its own tokens.
  if (!isConfidential(client.type) && payload.client_id !== client.id) return INACTIVE;
  // A token from before PAT ids (issued by patgate < 0.3) can't be linked to its PAT: fail closed.
  if (!payload.pat_id) return INACTIVE;
  const standing = await getTokenStanding(payload.pat_id, payload.sub, payload.jti);
  const { pat, owner } = standing;
  const usable =
    !standing.revoked &&
    pat !== undefined &&
    pat.userId === payload.sub &&
    (pat.expiresAt === null || pat.expiresAt > now) &&
    owner !== undefined &&
    !owner.isSuspended &&
    owner.patEpoch === pat.patEpoch;
  if (!usable) return INACTIVE;
  return {
    active: true,
    scope: payload.scope ?? '',
    client_id: payload.client_id,
    sub: payload.sub,
    ...(payload.aud !== undefined ? { aud: payload.aud } : {}),
    iss: payload.iss!,
    exp: payload.exp,
    iat: payload.iat,
    jti: payload.jti,
    token_type: 'Bearer',
    pat_id: payload.pat_id,
  };
}

export type RevocationOutcome = 'pat_deleted' | 'token_revoked' | 'nothing';

/**
 * RFC 7009: a PAT value is deleted; an access token of this client is marked revoked until its exp. An
 * unknown or invalid token changes nothing and is no error (§2.2). Any authenticated client may revoke a
 * PAT value: holding the value is the authority, as at the public /credentials/revoke.
 */
export async function revoke(caller: AuditCaller, http: TokenHttpRequest): Promise<RevocationOutcome> {
  const { client, params } = await authenticated(http);
  const token = tokenParameter(params);
  const hint = params.get('token_type_hint');
  if (hint === PAT_TOKEN_TYPE || isWellFormedPat(token)) {
    if (!isWellFormedPat(token)) return 'nothing';
    const deleted = await revokePatByHash(caller, hashPatValue(token), 'pat.revoked', { clientId: client.id });
    return deleted ? 'pat_deleted' : 'nothing';
  }
  const payload = await verifyAccessToken(token);
  if (!payload) return 'nothing';
  if (payload.client_id !== client.id) {
    throw new OAuthError('unauthorized_client', 'The token was not issued to this client.');
  }
  const revoked = await revokeAccessToken(caller, {
    jti: payload.jti,
    exp: payload.exp,
    userId: payload.sub,
    patId: payload.pat_id,
    clientId: client.id,
  });
  return revoked ? 'token_revoked' : 'nothing';
}
