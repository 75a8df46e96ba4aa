/**
 * Roles (Logto's RBAC): a named set of resource scopes, assigned to users. A token for a resource
 * carries the requested scopes that the user's roles grant on that resource.
 */
import type { ApiResource } from './resource';

export interface ScopeRef {
  resourceId: string;
  scopeId: string;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  type: 'User';
  isDefault: boolean;
  scopes: ScopeRef[];
  createdAt: number;
}

/** Names of the scopes of `resource` that the given roles grant. Unknown roles and deleted scopes grant nothing. */
export function roleScopeNames(
  resource: ApiResource,
  roleIds: readonly string[],
  roles: ReadonlyMap<string, Role>,
): string[] {
  const granted = new Set<string>();
  for (const roleId of roleIds) {
    for (const ref of roles.get(roleId)?.scopes ?? []) if (ref.resourceId === resource.id) granted.add(ref.scopeId);
  }
  return resource.scopes.filter((scope) => granted.has(scope.id)).map((scope) => scope.name);
}
