/**
 * Runtime configuration, read once per container from the environment the CDK stack (or the local
 * service) sets. The variables and their defaults are named in env-contract.ts.
 */
import { defaultSeconds, envVars } from './env-contract';

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
} satisfies Partial<Record<keyof typeof envVars, () => unknown>>;
