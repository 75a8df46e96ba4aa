/**
 * Runtime configuration, read once per container from the environment the CDK stack (or the local
 * service) sets. The variables and their defaults are named in env-contract.ts.
 */
import { defaultSeconds, envVars } from './env-contract';
import type { PatPolicy } from './model/pat';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}

function seconds(setting: keyof typeof defaultSeconds): number {
  const name = envVars[setting];
  const raw = process.env[name];
  if (raw === undefined || raw === '') return defaultSeconds[setting];
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number of seconds`);
  return value;
}

/** An optional positive number (unset: null). */
function optionalNumber(setting: keyof typeof envVars): number | null {
  const name = envVars[setting];
  const raw = process.env[name];
  if (raw === undefined || raw === '') return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);

function patPolicy(): PatPolicy {
  const requireExpiry = process.env[envVars.patRequireExpiry];
  if (requireExpiry !== undefined && requireExpiry !== '' && requireExpiry !== 'true' && requireExpiry !== 'false') {
    throw new Error(`${envVars.patRequireExpiry} must be true or false`);
  }
  return {
    requireExpiry: requireExpiry === 'true',
    defaultLifetimeMs: ms(optionalNumber('patDefaultLifetimeSeconds')),
    maxLifetimeMs: ms(optionalNumber('patMaxLifetimeSeconds')),
    maxPerUser: optionalNumber('patMaxPerUser'),
    revokeUnusedAfterMs: ms(optionalNumber('patRevokeUnusedAfterSeconds')),
    maxRotationGraceMs: seconds('patMaxRotationGraceSeconds') * 1000,
    reuseToleranceMs: seconds('patReuseToleranceSeconds') * 1000,
  };
}

export const env = {
  tableName: () => required(envVars.tableName),
  issuer: () => required(envVars.issuer),
  signingKeyAlias: () => required(envVars.signingKeyAlias),
  publishedKeyAliases: () =>
    required(envVars.publishedKeyAliases)
      .split(',')
      .map((alias) => alias.trim())
      .filter(Boolean),
  keyCacheTtlSeconds: () => seconds('keyCacheTtlSeconds'),
  clientCacheTtlSeconds: () => seconds('clientCacheTtlSeconds'),
  lastUsedIntervalSeconds: () => seconds('lastUsedIntervalSeconds'),
  defaultAccessTokenTtlSeconds: () => seconds('defaultAccessTokenTtlSeconds'),
  auditRetentionSeconds: () => seconds('auditRetentionSeconds'),
  eventBusName: () => process.env[envVars.eventBusName] || 'default',
  /** Read per call (a few env lookups): tests tighten it on a running service. */
  patPolicy,
} satisfies Partial<Record<keyof typeof envVars | 'patPolicy', () => unknown>>;
