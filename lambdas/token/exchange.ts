/**
 * RFC 8693 token exchange of a personal access token for an access token.
 *
 * Critical path: the application read (cached once warm), the PAT lookup and the resource read
 * (cached) run in parallel; then KMS Sign and the last-used write (at most once a minute per PAT, see
 * last-used.ts) run in parallel. So an exchange costs two sequential AWS round trips.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { env } from '../shared/config';
import { hashPatValue, isWellFormedPat } from '../shared/crypto/pat-value';
import { OAuthError } from '../shared/http/errors';
import { json, noStore } from '../shared/http/responses';
import { logger } from '../shared/observability';
import { lookupPat } from '../shared/store/pats';
import { newJti, signJwt } from '../shared/signing/jwt-signer';
import { recordPatUse } from './last-used';
import { authenticateClient, invalidClient, isPlausibleClientId, loadApplication } from './client-auth';
import { loadResource, validateIndicator } from './resources';
import { grantScopes, parseScope } from './scopes';
import { ACCESS_TOKEN_TYPE, OIDC_SCOPES, PAT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../shared/oauth';
import { parseTokenRequest } from './token-request';

const invalidSubject = () => new OAuthError('invalid_request', 'The subject_token is invalid.');

/** Lets a promise be awaited later without an unhandled rejection if we throw before that. */
function deferred<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export async function exchangeToken(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { grantType, client, params } = parseTokenRequest(event);
  if (grantType !== TOKEN_EXCHANGE_GRANT) {
    throw new OAuthError('unsupported_grant_type', 'Only the token exchange grant is supported.');
  }
  if (!isPlausibleClientId(client.clientId)) throw invalidClient(client);

  const subjectToken = params.get('subject_token');
  const tokenHash = subjectToken && isWellFormedPat(subjectToken) ? hashPatValue(subjectToken) : undefined;
  const indicator = params.get('resource');

  const application = deferred(loadApplication(client.clientId));
  const pat = deferred(tokenHash ? lookupPat(tokenHash) : Promise.resolve(undefined));
  const resource = deferred(indicator ? loadResource(validateIndicator(indicator)) : Promise.resolve(null));

  const app = authenticateClient(await application, client);

  if (!subjectToken) throw new OAuthError('invalid_request', 'Missing subject_token.');
  const subjectTokenType = params.get('subject_token_type');
  if (!subjectTokenType) throw new OAuthError('invalid_request', 'Missing subject_token_type.');
  if (subjectTokenType !== PAT_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `Unsupported subject_token_type; expected ${PAT_TOKEN_TYPE}.`);
  }
  if (params.has('actor_token') || params.has('actor_token_type')) {
    throw new OAuthError('invalid_request', 'Actor tokens are not supported.');
  }
  const requestedType = params.get('requested_token_type');
  if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `Unsupported requested_token_type; only ${ACCESS_TOKEN_TYPE} is issued.`);
  }
  const requestedScopes = parseScope(params.get('scope'));

  if (!tokenHash) throw invalidSubject();
  const subject = await pat;
  if (!subject || subject.suspended) throw invalidSubject();
  const now = Date.now();
  if (subject.expiresAt !== null && subject.expiresAt <= now) {
    throw new OAuthError('invalid_request', 'The personal access token has expired.');
  }

  const target = await resource;
  if (indicator && !target) throw new OAuthError('invalid_target', 'The resource is not a registered API resource.');

  const scopes = grantScopes(requestedScopes, target ? target.scopes : OIDC_SCOPES, subject.scopes);
  const iat = Math.floor(now / 1000);
  const ttl = target?.accessTokenTtl ?? env.defaultAccessTokenTtlSeconds();
  const exp = subject.expiresAt === null ? iat + ttl : Math.min(iat + ttl, Math.floor(subject.expiresAt / 1000));
  if (exp <= iat) throw new OAuthError('invalid_request', 'The personal access token has expired.');

  const claims: Record<string, unknown> = {
    jti: newJti(),
    sub: subject.userId,
    iss: env.issuer(),
    ...(target ? { aud: target.indicator } : {}),
    iat,
    exp,
    client_id: app.id,
    ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
  };

  // The last-used write, when due, is off the critical path: it runs alongside Sign and its failure is only logged.
  const [signed] = await Promise.all([signJwt(claims), recordPatUse(subject, tokenHash, now)]);

  logger.info('token issued', {
    sub: subject.userId,
    clientId: app.id,
    patName: subject.name,
    kid: signed.kid,
    aud: target?.indicator,
    scope: claims.scope,
  });

  return json(
    200,
    {
      access_token: signed.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: exp - iat,
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    },
    noStore,
  );
}
