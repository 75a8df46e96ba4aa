/**
 * Organizations (Logto's organization template): members, and organization roles granting organization
 * scopes. A member exchanging a PAT with `organization_id` gets a token for `urn:logto:organization:{id}`
 * carrying the requested scopes its organization roles grant.
 */
import type { ApiResource } from './resource';

export interface Organization {
  id: string;
  name: string;
  description: string | null;
  customData: Record<string, unknown>;
  createdAt: number;
}

export interface OrganizationScope {
  id: string;
  name: string;
  description: string | null;
}

export interface OrganizationRole {
  id: string;
  name: string;
  description: string | null;
  type: 'User';
  scopeIds: string[];
}

export interface OrganizationDefinitions {
  roles: ReadonlyMap<string, OrganizationRole>;
  scopes: ReadonlyMap<string, OrganizationScope>;
}

export const organizationIndicator = (id: string) => `urn:logto:organization:${id}`;

/** The token audience of an organization: its URN, the service's default token lifetime. */
export function organizationAudience(id: string): ApiResource {
  return { id, name: id, indicator: organizationIndicator(id), accessTokenTtl: null, scopes: [], createdAt: 0 };
}

export function organizationScopeNames(roleIds: readonly string[], definitions: OrganizationDefinitions): string[] {
  const names = new Set<string>();
  for (const roleId of roleIds) {
    for (const scopeId of definitions.roles.get(roleId)?.scopeIds ?? []) {
      const scope = definitions.scopes.get(scopeId);
      if (scope) names.add(scope.name);
    }
  }
  return [...names];
}
