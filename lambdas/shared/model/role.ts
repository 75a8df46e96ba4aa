/**
 * Roles (Logto's RBAC): a named set of resource scopes, assigned to users. A token for a resource
 * carries the requested scopes that the user's roles grant on that resource.
 */
import type { ApiResource } from './resource';

export interface ScopeRef {
  resourceId: string;
  scopeId: string;
}

/**
 * Logto's role types. patgate has no client_credentials grant, so a MachineToMachine role can't be given to
 * a user and grants nothing at the token endpoint.
 */
export const roleTypes = ['User', 'MachineToMachine'] as const;
export type RoleType = (typeof roleTypes)[number];

export interface Role {
  id: string;
  name: string;
  description: string;
  type: RoleType;
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
    const role = roles.get(roleId);
    if (role?.type !== 'User') continue;
    for (const ref of role.scopes) if (ref.resourceId === resource.id) granted.add(ref.scopeId);
  }
  return resource.scopes.filter((scope) => granted.has(scope.id)).map((scope) => scope.name);
}
