/** The environment-variable contract (lambdas/shared/env-contract.ts) and how config.ts reads it. */
import { env } from '../../lambdas/shared/config';
import { defaultSeconds, envVars, handlerEnvironment } from '../../lambdas/shared/env-contract';

const saved = { ...process.env };
const clear = () => Object.values(envVars).forEach((name) => delete process.env[name]);
beforeEach(clear);
afterEach(() => {
  clear();
  Object.assign(process.env, saved);
});

describe('handlerEnvironment', () => {
  it('names each setting by its variable, joins lists with commas and leaves out what is not given', () => {
    expect(
      handlerEnvironment({
        tableName: 'patgate',
        publishedKeyAliases: ['alias/a', 'alias/b'],
        keyCacheTtlSeconds: 0.05,
        clientCacheTtlSeconds: undefined,
      }),
    ).toEqual({ TABLE_NAME: 'patgate', PUBLISHED_KEY_ALIASES: 'alias/a,alias/b', KEY_CACHE_TTL_SECONDS: '0.05' });
  });

  it('names every variable once', () => {
    expect(new Set(Object.values(envVars)).size).toBe(Object.keys(envVars).length);
  });
});

describe('config.ts reads what handlerEnvironment writes', () => {
  it('round-trips every setting', () => {
    const settings = {
      tableName: 'patgate-t',
      issuer: 'https://patgate.example/oidc',
      signingKeyAlias: 'alias/patgate/signing',
      publishedKeyAliases: ['alias/patgate/signing', 'alias/patgate/signing-next'],
      keyCacheTtlSeconds: 1,
      clientCacheTtlSeconds: 2,
      lastUsedIntervalSeconds: 0,
      defaultAccessTokenTtlSeconds: 900,
      auditRetentionSeconds: 86400,
      eventBusName: 'patgate-events',
    } satisfies Record<Exclude<keyof typeof env, 'patPolicy'>, unknown>;
    Object.assign(process.env, handlerEnvironment(settings));
    const read = Object.fromEntries(
      (Object.keys(settings) as (keyof typeof settings)[]).map((setting) => [setting, env[setting]()]),
    );
    expect(read).toEqual(settings);
  });

  it('reads the PAT lifetime policy from its settings, in milliseconds, with no limits when unset', () => {
    expect(env.patPolicy()).toEqual({
      requireExpiry: false,
      defaultLifetimeMs: null,
      maxLifetimeMs: null,
      maxPerUser: null,
      revokeUnusedAfterMs: null,
      maxRotationGraceMs: defaultSeconds.patMaxRotationGraceSeconds * 1000,
      reuseToleranceMs: defaultSeconds.patReuseToleranceSeconds * 1000,
    });
    Object.assign(
      process.env,
      handlerEnvironment({
        patRequireExpiry: true,
        patDefaultLifetimeSeconds: 86400,
        patMaxLifetimeSeconds: 7 * 86400,
        patMaxPerUser: 5,
        patRevokeUnusedAfterSeconds: 3600,
        patMaxRotationGraceSeconds: 60,
        patReuseToleranceSeconds: 0,
      }),
    );
    expect(env.patPolicy()).toEqual({
      requireExpiry: true,
      defaultLifetimeMs: 86_400_000,
      maxLifetimeMs: 7 * 86_400_000,
      maxPerUser: 5,
      revokeUnusedAfterMs: 3_600_000,
      maxRotationGraceMs: 60_000,
      reuseToleranceMs: 0,
    });
    process.env.PAT_MAX_PER_USER = '0';
    expect(() => env.patPolicy()).toThrow('PAT_MAX_PER_USER must be a positive number');
    process.env.PAT_MAX_PER_USER = '';
    process.env.PAT_REQUIRE_EXPIRY = 'yes';
    expect(() => env.patPolicy()).toThrow('PAT_REQUIRE_EXPIRY must be true or false');
  });

  it('falls back to the contract defaults for unset or empty durations', () => {
    process.env.CLIENT_CACHE_TTL_SECONDS = '';
    expect(env.keyCacheTtlSeconds()).toBe(defaultSeconds.keyCacheTtlSeconds);
    expect(env.clientCacheTtlSeconds()).toBe(defaultSeconds.clientCacheTtlSeconds);
    expect(env.lastUsedIntervalSeconds()).toBe(defaultSeconds.lastUsedIntervalSeconds);
    expect(env.defaultAccessTokenTtlSeconds()).toBe(defaultSeconds.defaultAccessTokenTtlSeconds);
    expect(env.auditRetentionSeconds()).toBe(365 * 24 * 3600);
  });

  it('refuses a missing required variable and a duration that is not a non-negative number, naming the variable', () => {
    expect(() => env.tableName()).toThrow('Missing required environment variable TABLE_NAME');
    process.env.KEY_CACHE_TTL_SECONDS = '-1';
    expect(() => env.keyCacheTtlSeconds()).toThrow('KEY_CACHE_TTL_SECONDS must be a non-negative number of seconds');
    process.env.KEY_CACHE_TTL_SECONDS = '5m';
    expect(() => env.keyCacheTtlSeconds()).toThrow('KEY_CACHE_TTL_SECONDS');
  });

  it('drops blanks and spaces from the published alias list', () => {
    process.env.PUBLISHED_KEY_ALIASES = ' alias/a , ,alias/b,';
    expect(env.publishedKeyAliases()).toEqual(['alias/a', 'alias/b']);
  });
});
