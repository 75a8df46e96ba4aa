/**
 * The public keys the JWKS publishes (current, previous, next), cached for KEY_CACHE_TTL_SECONDS
 * (stale-while-revalidate): served by discovery, and what introspection and revocation verify tokens with.
 */
import { cached } from '../cache';
import { env } from '../config';
import { fetchSigningKey, keyCacheTtlMs } from './kms-keys';

export const publishedKeys = cached(async () => {
  const keys = await Promise.all(env.publishedKeyAliases().map(fetchSigningKey));
  const unique = new Map(keys.filter((key) => key !== undefined).map((key) => [key.kid, key.publicJwk]));
  return { keys: [...unique.values()] };
}, keyCacheTtlMs);
