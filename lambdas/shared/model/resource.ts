/** API resources (RFC 8707 resource indicators): the audiences tokens can be issued for. */
import { createHash } from 'node:crypto';
import type { PatPolicyOverride } from './pat-policy';

/** A permission of a resource (Logto's Scope): roles grant scopes by id, tokens carry them by name. */
export interface ResourceScope {
  id: string;
  name: string;
  description: string | null;
  createdAt: number;
}

export interface ApiResource {
  id: string;
  name: string;
  indicator: string;
  /** Access token lifetime in seconds for tokens with this audience; null = the service default. */
  accessTokenTtl: number | null;
  scopes: ResourceScope[];
  /** Tightens the deployment's PAT policy for tokens with this audience (see pat-policy.ts); null: none. */
  patPolicy?: PatPolicyOverride | null;
  createdAt: number;
}

/**
 * Resources written before scopes were entities (patgate ≤ 0.2) hold plain scope names. They read as
 * entities with ids derived from the resource id and the name, so the ids are stable until the first
 * scope write stores the entities (a lazy migration: nothing else needs to run).
 */
export function legacyScopeId(resourceId: string, name: string): string {
  return `s${createHash('sha256').update(`${resourceId}\0${name}`, 'utf8').digest('base64url').slice(0, 20)}`;
}

export function toScopes(resourceId: string, stored: unknown, createdAt: number): ResourceScope[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((scope: unknown) =>
    typeof scope === 'string'
      ? { id: legacyScopeId(resourceId, scope), name: scope, description: null, createdAt }
      : (scope as ResourceScope),
  );
}
