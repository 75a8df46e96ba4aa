/**
 * The environment-variable contract between what runs the handlers (the CDK construct in lib/patgate.ts,
 * the local service in local/service.ts) and the handlers themselves (config.ts). Each variable is named
 * here once. Like lambdas/routes.ts, this module must stay free of runtime dependencies: CDK code and
 * Lambda bundles both import it.
 */

/** What the handlers are told, by setting name; the values are the environment variables' names. */
export const envVars = {
  /** DynamoDB table holding PATs, users, applications and resources (see store/keys.ts). */
  tableName: 'TABLE_NAME',
  /** Issuer URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/oidc. */
  issuer: 'ISSUER',
  /** KMS alias of the key new tokens are signed with. */
  signingKeyAlias: 'SIGNING_KEY_ALIAS',
  /** KMS aliases whose public keys the JWKS publishes (current, previous, next), comma-separated. */
  publishedKeyAliases: 'PUBLISHED_KEY_ALIASES',
  /** How long a resolved signing key / public key set is reused before it is looked up again. */
  keyCacheTtlSeconds: 'KEY_CACHE_TTL_SECONDS',
  /** How long an application or API resource read by the token endpoint is reused. */
  clientCacheTtlSeconds: 'CLIENT_CACHE_TTL_SECONDS',
  /** A PAT's lastUsedAt is written at most this often per warm container (0: on every exchange). */
  lastUsedIntervalSeconds: 'LAST_USED_INTERVAL_SECONDS',
  /** Access token lifetime when no API resource (or one without accessTokenTtl) is asked for. */
  defaultAccessTokenTtlSeconds: 'DEFAULT_ACCESS_TOKEN_TTL_SECONDS',
  /** How long audit events are kept (DynamoDB TTL) after they are written. */
  auditRetentionSeconds: 'AUDIT_RETENTION_SECONDS',
  /** PAT lifetime policy (model/pat.ts PatPolicy): whether PATs must have an expiry ('true'/'false'). */
  patRequireExpiry: 'PAT_REQUIRE_EXPIRY',
  /** Expiry given to a PAT created without expiresAt; unset: none. */
  patDefaultLifetimeSeconds: 'PAT_DEFAULT_LIFETIME_SECONDS',
  /** Longest a PAT value may live, enforced at creation and at exchange (older values stop working); unset: no limit. */
  patMaxLifetimeSeconds: 'PAT_MAX_LIFETIME_SECONDS',
  /** Live PATs a user may hold; unset: no limit. */
  patMaxPerUser: 'PAT_MAX_PER_USER',
  /** A PAT unused this long stops exchanging; unset: never. */
  patRevokeUnusedAfterSeconds: 'PAT_REVOKE_UNUSED_AFTER_SECONDS',
  /** Longest grace period a rotation may give the replaced value. */
  patMaxRotationGraceSeconds: 'PAT_MAX_ROTATION_GRACE_SECONDS',
  /** A rotated-out value this soon after its grace is refused without counting as reuse. */
  patReuseToleranceSeconds: 'PAT_REUSE_TOLERANCE_SECONDS',
  /** EventBridge bus the expiry notices go to (maintenance function); unset: the account's default bus. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Powertools reads these three itself: the `service` dimension and log key, the metrics namespace, the log level. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;

export type HandlerSetting = keyof typeof envVars;

/** Durations a handler falls back to when its variable is unset; the CDK construct's defaults too. */
export const defaultSeconds = {
  keyCacheTtlSeconds: 300,
  clientCacheTtlSeconds: 30,
  lastUsedIntervalSeconds: 60,
  defaultAccessTokenTtlSeconds: 3600,
  auditRetentionSeconds: 365 * 24 * 3600,
  patMaxRotationGraceSeconds: 3600,
  patReuseToleranceSeconds: 30,
} as const satisfies Partial<Record<HandlerSetting, number>>;

/** Everything a deployment tells the handlers; settings with a default may be left out. */
export interface HandlerSettings {
  tableName: string;
  issuer: string;
  signingKeyAlias: string;
  publishedKeyAliases: readonly string[];
  keyCacheTtlSeconds?: number;
  clientCacheTtlSeconds?: number;
  lastUsedIntervalSeconds?: number;
  defaultAccessTokenTtlSeconds?: number;
  auditRetentionSeconds?: number;
  patRequireExpiry?: boolean;
  patDefaultLifetimeSeconds?: number;
  patMaxLifetimeSeconds?: number;
  patMaxPerUser?: number;
  patRevokeUnusedAfterSeconds?: number;
  patMaxRotationGraceSeconds?: number;
  patReuseToleranceSeconds?: number;
  eventBusName?: string;
  serviceName: string;
  metricsNamespace: string;
  /** @default Powertools' own, INFO */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** The environment variables for the given settings (only those given: the local service sets some late). */
export function handlerEnvironment(settings: Partial<HandlerSettings>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [setting, value] of Object.entries(settings) as [HandlerSetting, HandlerSettings[HandlerSetting]][]) {
    if (value === undefined) continue;
    environment[envVars[setting]] = typeof value === 'object' ? value.join(',') : String(value);
  }
  return environment;
}
