/**
 * Self-service with the PAT itself, as GitLab's /personal_access_tokens/self: GET describes the PAT
 * presented in `Authorization: Bearer`, DELETE revokes it. No oracle: an unknown, revoked, expired,
 * rotated-out or otherwise unusable value gets the same 401. Rate-limited by WAF with the token endpoint.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { env } from '../shared/config';
import { hashPatValue, isWellFormedPat } from '../shared/crypto/pat-value';
import { headerValues } from '../shared/http/request';
import { json, noContent, noStore } from '../shared/http/responses';
import { credentialRefusal, ownerRefusal, type Pat, type PatCredential } from '../shared/model/pat';
import { logger } from '../shared/observability';
import type { AuditCaller } from '../shared/store/audit';
import { lookupPat, patItemRead, revokeByHolder, userStandingRead } from '../shared/store/pats';
import { consistentReadAll } from '../shared/store/token-path-reads';
import { patView } from '../pats/views';

const REALM = 'Bearer realm="patgate"';

/** RFC 6750 §3.1: without credentials, just the challenge; with bad ones, invalid_token. */
function unauthorized(presented: boolean): APIGatewayProxyResult {
  return json(
    401,
    presented
      ? { error: 'invalid_token', error_description: 'The personal access token is not valid.' }
      : { error: 'invalid_request', error_description: 'Send the personal access token as Authorization: Bearer.' },
    { ...noStore, 'WWW-Authenticate': presented ? `${REALM}, error="invalid_token"` : REALM },
  );
}

type Holder = { credential: PatCredential; tokenHash: string; pat: Pat };

async function authenticate(event: APIGatewayProxyEvent, now: number): Promise<Holder | APIGatewayProxyResult> {
  const authorization = headerValues(event, 'authorization');
  const match = authorization.length === 1 ? /^Bearer +(\S+)$/i.exec(authorization[0]!) : null;
  if (!match) return unauthorized(authorization.length > 0);
  const value = match[1]!;
  if (!isWellFormedPat(value)) return unauthorized(true);
  const tokenHash = hashPatValue(value);
  const credential = await lookupPat(tokenHash);
  // Only the PAT's current value speaks for it here, not a rotated-out one in its grace.
  if (!credential || credential.rotatedOut || credentialRefusal(credential, now, env.patPolicy())) {
    return unauthorized(true);
  }
  // The owner and the PAT item in one request, as the exchange reads its second round trip.
  const { owner, pat } = await consistentReadAll({
    owner: userStandingRead(credential.userId),
    pat: patItemRead(credential.userId, credential.name),
  });
  if (ownerRefusal(credential, owner) || !pat || pat.tokenHash !== tokenHash || pat.revokedAt) {
    return unauthorized(true);
  }
  return { credential, tokenHash, pat };
}

const isHolder = (value: Holder | APIGatewayProxyResult): value is Holder => 'pat' in value;

export async function getSelfPersonalAccessToken(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const holder = await authenticate(event, Date.now());
  if (!isHolder(holder)) return holder;
  return json(200, patView(holder.pat), noStore);
}

export async function revokeSelfPersonalAccessToken(
  event: APIGatewayProxyEvent,
  caller: AuditCaller,
): Promise<APIGatewayProxyResult> {
  const now = Date.now();
  const holder = await authenticate(event, now);
  if (!isHolder(holder)) return holder;
  // A concurrent revocation, rotation or delete got there first: the value is dead either way.
  if (!(await revokeByHolder(caller, holder.credential, holder.tokenHash, now))) return unauthorized(true);
  logger.info('personal access token revoked by its holder', {
    userId: holder.pat.userId,
    patName: holder.pat.name,
  });
  return noContent();
}
