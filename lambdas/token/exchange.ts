/**
 * RFC 8693 token exchange of a personal access token for an access token, as a pipeline of named steps.
 *
 * Two sequential AWS round trips: first the PAT lookup (beside the application and resource reads,
 * cached once warm); then KMS Sign beside the owner's user item, read strongly consistently so a
 * suspension, deletion or revoke-all bites at once. The owner can't be read in the first round trip
 * (its id is in the lookup item), and the claims don't depend on it, so the token is signed while the
 * owner is read, and thrown away unless the owner may act. With a resource, the owner's role ids are
 * read with the owner, in the same BatchGetItem, and the token is signed again only if they grant other
 * scopes than the role ids this container last saw for the owner (token/roles.ts). With `organization_id`,
 * the owner's membership and the organization item are read there instead: a non-member gets Logto's 403
 * access_denied, a member a token for urn:logto:organization:{id} with the scopes its organization roles grant.
 * So a warm exchange makes three AWS calls whatever it asks for: the lookup GetItem, then GetItem or
 * BatchGetItem ∥ Sign.
 */
import { env } from '../shared/config';
import { hashPatValue, isWellFormedPat } from '../shared/crypto/pat-value';
import { OAuthError } from '../shared/errors';
import {
  credentialRefusal,
  ownerRefusal,
  refusalDescription,
  type PatCredential,
  type PatPolicy,
  type PatRefusal,
} from '../shared/model/pat';
import { exchangePatPolicy } from '../shared/model/pat-policy';
import type { UserStanding } from '../shared/model/user';
import { ACCESS_TOKEN_TYPE } from '../shared/oauth';
import { logger } from '../shared/observability';
import { newJti, signJwt, type SignedJwt } from '../shared/signing/jwt-signer';
import type { AuditCaller } from '../shared/store/audit';
import { applicationRead } from '../shared/store/applications';
import { patLookupRead, revokeOnReuse, userStandingRead } from '../shared/store/pats';
import { resourceByIndicatorRead } from '../shared/store/resources';
import { consistentReadAll } from '../shared/store/token-path-reads';
import { isResourceCached, loadResource, resolveAudience } from './audience';
import { authorize, loadDefinitions } from './authorization';
import { buildClaims, type AccessTokenClaims } from './claims';
import { authenticateClient, isApplicationCached, loadApplication } from './client-auth';
import { recordPatUse } from './last-used';
import type { TokenExchangeRequest } from './token-request';

export interface TokenResponse {
  access_token: string;
  issued_token_type: typeof ACCESS_TOKEN_TYPE;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface IssuedToken {
  response: TokenResponse;
  claims: AccessTokenClaims;
  patName: string;
  kid: string;
}

/** RFC 8693 §2.2.2: an unusable subject token is invalid_request; expiry and the policy are worth telling apart. */
function refuse(refusal: PatRefusal, policy?: PatPolicy): never {
  throw new OAuthError(
    'invalid_request',
    policy ? refusalDescription(refusal, policy) : 'The subject_token is invalid.',
  );
}

/** Lets a promise be awaited later without an unhandled rejection if a step throws first. */
function deferred<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function deferredAll<T extends Record<string, Promise<unknown>>>(promises: T): T {
  for (const promise of Object.values(promises)) deferred(promise);
  return promises;
}

/**
 * First round trip: everything the request names, read at once. The PAT lookup is one GetItem once the container
 * knows the client and the resource (cached); until then they are read with it, in one BatchGetItem, so that a
 * cold container opens one connection for the three instead of three.
 */
function startReads(request: TokenExchangeRequest) {
  const { subjectToken, client, resource } = request;
  const tokenHash = subjectToken && isWellFormedPat(subjectToken) ? hashPatValue(subjectToken) : undefined;
  const unknownApplication = !isApplicationCached(client.clientId);
  const unknownResource = resource !== undefined && !isResourceCached(resource);
  const items = deferred(
    consistentReadAll({
      credential: tokenHash === undefined ? undefined : patLookupRead(tokenHash),
      application: unknownApplication ? applicationRead(client.clientId) : undefined,
      resource: unknownResource ? resourceByIndicatorRead(resource) : undefined,
    }),
  );
  return {
    tokenHash,
    application: deferred(
      loadApplication(
        client.clientId,
        unknownApplication ? items.then((found) => found.application ?? null) : undefined,
      ),
    ),
    credential: deferred(items.then((found) => found.credential)),
    resource: deferred(
      loadResource(resource, unknownResource ? items.then((found) => found.resource ?? null) : undefined),
    ),
    definitions: deferredAll(loadDefinitions(request)),
  };
}

async function validateSubject(
  credential: Promise<PatCredential | undefined>,
  tokenHash: string | undefined,
  now: number,
  policy: PatPolicy,
  caller: AuditCaller,
) {
  const found = await credential;
  const refusal = credentialRefusal(found, now, policy);
  if (refusal === 'reused') {
    // The one write on the token path outside lastUsedAt, and only when a rotated-out value comes back.
    const revoked = await revokeOnReuse(caller, found!, tokenHash!, now);
    logger.warn('rotated-out personal access token value reused after its grace period', {
      userId: found!.userId,
      patName: found!.name,
      revoked,
    });
  }
  if (refusal) refuse(refusal, policy);
  return found!;
}

/** What the token endpoint knows of the request beyond its body: who sent it (source IP included). */
export interface ExchangeContext {
  caller: AuditCaller;
}

/**
 * Second round trip, beside Sign: the owner's user item and the assignments the authorization needs, in one
 * request (a GetItem of the owner alone, a BatchGetItem with assignments).
 */
function readOwnerAndAssignments(credential: PatCredential, authorization: Awaited<ReturnType<typeof authorize>>) {
  return consistentReadAll({ owner: userStandingRead(credential.userId), ...authorization.assignmentReads });
}

/** The owner must exist, be in the PAT's epoch and not be suspended (read beside Sign). */
function ensureOwnerMayAct(credential: PatCredential, owner: UserStanding | undefined): UserStanding {
  const refusal = ownerRefusal(credential, owner);
  if (refusal) refuse(refusal);
  return owner!;
}

/** The token as signed, or signed again when the owner's current roles grant other scopes. */
async function withConfirmedScopes(claims: AccessTokenClaims, signed: SignedJwt, scopes: string[]) {
  const scope = scopes.join(' ');
  if (scope === claims.scope) return signed;
  claims.scope = scope;
  return signJwt({ ...claims });
}

function issued(claims: AccessTokenClaims, signed: SignedJwt, credential: PatCredential): IssuedToken {
  return {
    response: {
      access_token: signed.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: claims.exp - claims.iat,
      scope: claims.scope,
    },
    claims,
    patName: credential.name,
    kid: signed.kid,
  };
}

export async function exchangeToken(
  request: TokenExchangeRequest,
  now: number,
  context: ExchangeContext,
): Promise<IssuedToken> {
  const reads = startReads(request);
  const client = authenticateClient(await reads.application, request.client);
  if (request.parameterError) throw request.parameterError;
  // The client's and the resource's overrides come from their cached definitions: no AWS call of their own.
  const policy = exchangePatPolicy(env.patPolicy(), client, await reads.resource);
  const credential = await validateSubject(reads.credential, reads.tokenHash, now, policy, context.caller);
  const resource = resolveAudience(request.resource, await reads.resource);
  const authorization = await authorize(request, credential, resource, reads.definitions);
  const claims = buildClaims({
    jti: newJti(),
    issuer: env.issuer(),
    now,
    defaultLifetimeSeconds: env.defaultAccessTokenTtlSeconds(),
    credential,
    clientId: client.id,
    audience: authorization.audience,
    scopes: authorization.expected,
  });
  if (!claims) refuse('expired', policy);

  const [read, signed] = await Promise.all([
    readOwnerAndAssignments(credential, authorization),
    signJwt({ ...claims }),
    recordPatUse(credential, reads.tokenHash!, { at: now, clientId: client.id, sourceIp: context.caller.sourceIp }),
  ]);
  const owner = ensureOwnerMayAct(credential, read.owner);
  const scopes = await authorization.confirm(owner, read);
  return issued(claims, await withConfirmedScopes(claims, signed, scopes), credential);
}
