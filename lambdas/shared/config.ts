/**
 * Runtime configuration, read once per container from the environment the CDK stack
 * (or the local service) sets. Every variable a handler reads is listed here.
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number of seconds`);
  return value;
}

export const env = {
  /** DynamoDB table holding PATs, users, applications and resources (see store/keys.ts). */
  tableName: () => required('TABLE_NAME'),
  /** Issuer URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/oidc. */
  issuer: () => required('ISSUER'),
  /** KMS alias of the key new tokens are signed with. */
  signingKeyAlias: () => required('SIGNING_KEY_ALIAS'),
  /** Comma-separated KMS aliases whose public keys the JWKS publishes (current, previous, next). */
  publishedKeyAliases: () =>
    required('PUBLISHED_KEY_ALIASES')
      .split(',')
      .map((alias) => alias.trim())
      .filter(Boolean),
  /** How long a resolved signing key / public key set is reused before it is looked up again. */
  keyCacheTtlSeconds: () => seconds('KEY_CACHE_TTL_SECONDS', 300),
  /** How long an application or API resource read by the token endpoint is reused. */
  clientCacheTtlSeconds: () => seconds('CLIENT_CACHE_TTL_SECONDS', 30),
  /** A PAT's lastUsedAt is written at most this often per warm container (0: on every exchange). */
  lastUsedIntervalSeconds: () => seconds('LAST_USED_INTERVAL_SECONDS', 60),
  /** Access token lifetime when no API resource (or one without accessTokenTtl) is asked for. */
  defaultAccessTokenTtlSeconds: () => seconds('DEFAULT_ACCESS_TOKEN_TTL_SECONDS', 3600),
};
