/** Public keys (JWKS) and OAuth / OIDC discovery documents, served from memory once warm. */
import { env } from '../shared/config';
import { createHandler } from '../shared/http/handler';
import { json } from '../shared/http/responses';
import { publishedKeys } from '../shared/signing/published-keys';
import { OIDC_SCOPES, TOKEN_EXCHANGE_GRANT } from '../shared/oauth';

/** Resource servers may cache the key set this long; rotation publishes a key as "next" for longer than that. */
const JWKS_MAX_AGE_SECONDS = 300;

publishedKeys.get().catch(() => undefined);

function metadata() {
  const issuer = env.issuer();
  return {
    issuer,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/token/introspection`,
    revocation_endpoint: `${issuer}/token/revocation`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: [TOKEN_EXCHANGE_GRANT],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    scopes_supported: [...OIDC_SCOPES],
    response_types_supported: [],
    subject_types_supported: ['public'],
  };
}

const cacheable = { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` };

export const handler = createHandler('discovery', 'oauth', {
  getJwks: async () => json(200, await publishedKeys.get(), cacheable),
  getOpenIdConfiguration: async () => json(200, metadata(), cacheable),
  getAuthorizationServerMetadata: async () => json(200, metadata(), cacheable),
});
