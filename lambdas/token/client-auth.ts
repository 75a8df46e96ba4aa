/**
 * Authenticates the calling application. Applications are cached for CLIENT_CACHE_TTL_SECONDS
 * (stale-while-revalidate), so a deleted application or a revoked allowTokenExchange takes effect
 * in every warm container within that TTL. Absence is cached like any other answer: a refresh that
 * finds the application gone must replace it (a failed load would keep serving the stale one).
 */
import { keyedCache } from '../shared/cache';
import { env } from '../shared/config';
import { constantTimeEqual, sha256Hex } from '../shared/crypto/secrets';
import { OAuthError } from '../shared/http/errors';
import { getApplication, isConfidential, type Application } from '../shared/store/applications';
import type { ClientCredentials } from './token-request';

const applications = keyedCache(
  async (id: string) => (await getApplication(id)) ?? null,
  () => env.clientCacheTtlSeconds() * 1000,
);

/** Starts the application read; callers await it later so it overlaps with the PAT lookup. */
export async function loadApplication(clientId: string): Promise<Application | undefined> {
  return (await applications.get(clientId)) ?? undefined;
}

const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isPlausibleClientId = (clientId: string) => CLIENT_ID_PATTERN.test(clientId);

/** RFC 6749 §5.2: a client that tried HTTP Basic gets a 401 with WWW-Authenticate. */
export function invalidClient(credentials: ClientCredentials, description = 'Client authentication failed.') {
  return new OAuthError(
    'invalid_client',
    description,
    credentials.method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="patgate"' } : {},
  );
}

export function authenticateClient(app: Application | undefined, credentials: ClientCredentials): Application {
  const fail = (description: string) => invalidClient(credentials, description);
  if (!app) throw fail('Client authentication failed.');

  if (isConfidential(app.type)) {
    if (credentials.clientSecret === undefined) throw fail('This client must authenticate with its secret.');
    const presented = sha256Hex(credentials.clientSecret);
    if (!app.secretHash || !constantTimeEqual(presented, app.secretHash)) throw fail('Client authentication failed.');
  } else if (credentials.clientSecret !== undefined) {
    throw fail('Public clients have no secret; send client_id only.');
  }

  if (!app.allowTokenExchange) {
    throw new OAuthError('unauthorized_client', 'This client is not allowed to use token exchange.');
  }
  return app;
}
