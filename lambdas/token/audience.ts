/**
 * The audience of a token: the API resource the client asked for (RFC 8707), or none. Resources are
 * cached like applications (CLIENT_CACHE_TTL_SECONDS, stale-while-revalidate).
 */
import { keyedCache } from '../shared/cache';
import { env } from '../shared/config';
import { OAuthError } from '../shared/errors';
import type { ApiResource } from '../shared/model/resource';
import { resourceByIndicatorRead } from '../shared/store/resources';
import { consistentRead } from '../shared/store/token-path-reads';

const resources = keyedCache(
  async (indicator: string) => (await consistentRead(resourceByIndicatorRead(indicator))) ?? null,
  () => env.clientCacheTtlSeconds() * 1000,
);

/** `first`: the resource read with the PAT lookup, for a container that doesn't know it yet (`isResourceCached`). */
export function loadResource(
  indicator: string | undefined,
  first?: Promise<ApiResource | null>,
): Promise<ApiResource | null> {
  return indicator === undefined ? Promise.resolve(null) : resources.get(indicator, first);
}

export const isResourceCached = (indicator: string) => resources.has(indicator);

export function resolveAudience(indicator: string | undefined, resource: ApiResource | null): ApiResource | null {
  if (indicator !== undefined && !resource) {
    throw new OAuthError('invalid_target', 'The resource is not a registered API resource.');
  }
  return resource;
}
