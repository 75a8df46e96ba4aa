/**
 * API resources as the token endpoint sees them: validated indicator, cached read.
 * Same cache rules as applications (CLIENT_CACHE_TTL_SECONDS, stale-while-revalidate).
 */
import { keyedCache } from '../shared/cache';
import { env } from '../shared/config';
import { OAuthError } from '../shared/http/errors';
import { MAX_RESOURCE_INDICATOR_BYTES } from '../shared/oauth';
import { getResourceByIndicator, type ApiResource } from '../shared/store/resources';

const resources = keyedCache(
  async (indicator: string) => (await getResourceByIndicator(indicator)) ?? null,
  () => env.clientCacheTtlSeconds() * 1000,
);

/** RFC 8707 §2: an absolute URI without a fragment. */
export function validateIndicator(indicator: string): string {
  let url: URL;
  try {
    url = new URL(indicator);
  } catch {
    throw new OAuthError('invalid_target', 'The resource must be an absolute URI.');
  }
  if (url.hash || indicator.includes('#'))
    throw new OAuthError('invalid_target', 'The resource must not contain a fragment.');
  if (Buffer.byteLength(indicator) > MAX_RESOURCE_INDICATOR_BYTES) {
    throw new OAuthError('invalid_target', 'The resource is too long.');
  }
  return indicator;
}

export function loadResource(indicator: string): Promise<ApiResource | null> {
  return resources.get(indicator);
}
