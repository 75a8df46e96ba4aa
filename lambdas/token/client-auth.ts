/**
 * Authenticates the calling application. Applications are cached for CLIENT_CACHE_TTL_SECONDS
 * (stale-while-revalidate), so a deleted application or a revoked allowTokenExchange takes effect
 * in every warm container within that TTL.
 */
import { keyedCache } from '../shared/cache';
import { env } from '../shared/config';
import { constantTimeEqual, sha256Hex } from '../shared/crypto/secrets';
import { OAuthError } from '../shared/errors';
import { isConfidential, type Application } from '../shared/model/application';
import { applicationRead } from '../shared/store/applications';
import { consistentRead } from '../shared/store/token-path-reads';
import { invalidClient, type ClientCredentials } from './token-request';

const applications = keyedCache(
  async (id: string) => (await consistentRead(applicationRead(id))) ?? null,
  () => env.clientCacheTtlSeconds() * 1000,
);

/**
 * Starts the application read; callers await it later so it overlaps with the PAT lookup. `first`: the
 * application read with the lookup, for a container that doesn't know it yet (`isApplicationCached`).
 */
export function loadApplication(clientId: string, first?: Promise<Application | null>): Promise<Application | null> {
  return applications.get(clientId, first);
}

export const isApplicationCached = (clientId: string) => applications.has(clientId);

export function authenticateClient(app: Application | null, credentials: ClientCredentials): Application {
  const authenticated = authenticateApplication(app, credentials);
  if (!authenticated.allowTokenExchange) {
    throw new OAuthError('unauthorized_client', 'This client is not allowed to use token exchange.');
  }
  return authenticated;
}

/** Client authentication alone (introspection and revocation don't need token exchange allowed). */
export function authenticateApplication(app: Application | null, credentials: ClientCredentials): Application {
  const fail = (description: string) => invalidClient(credentials, description);
  if (!app) throw fail('Client authentication failed.');

  if (isConfidential(app.type)) {
    if (credentials.clientSecret === undefined) throw fail('This client must authenticate with its secret.');
    const presented = sha256Hex(credentials.clientSecret);
    if (!app.secretHash || !constantTimeEqual(presented, app.secretHash)) throw fail('Client authentication failed.');
  } else if (credentials.clientSecret !== undefined) {
    throw fail('Public clients have no secret; send client_id only.');
  }
  return app;
}
