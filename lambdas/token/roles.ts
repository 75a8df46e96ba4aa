/**
 * The scopes a user's roles grant on a resource, without a third round trip in the steady state.
 *
 * Role definitions (which scopes each role grants) change rarely: the whole set is cached per container
 * for CLIENT_CACHE_TTL_SECONDS, stale-while-revalidate like applications and resources, and loaded in the
 * first round trip. So a change to a role (its scopes, or its deletion) bites within that TTL.
 *
 * A user's role ids must bite at once: they are read strongly consistently in the second round trip,
 * beside KMS Sign. The token is signed with the scopes of the role ids this container last saw for the
 * user (for a user it hasn't seen yet: every role's, so a user asking for scopes their roles grant costs no
 * extra round trip even on a cold container); when the read shows role ids that grant other scopes, the token
 * is signed again (a third round trip, only then). A token never carries the scopes of roles the user no
 * longer has: the speculative token is thrown away unless the read confirms its scopes.
 *
 * A role id the cached definitions don't know (a role created since they were loaded) makes them load
 * again at once, so a new role works as soon as it is assigned; an id still unknown then (a deleted role)
 * is remembered until the next load, so it costs at most one extra load per TTL and container.
 */
import { cached } from '../shared/cache';
import { env } from '../shared/config';
import type { Role } from '../shared/model/role';
import type { OrganizationDefinitions } from '../shared/model/organization';
import { listOrganizationRoles, listOrganizationScopes } from '../shared/store/organizations';
import { listRoles } from '../shared/store/roles';

/** Role ids known not to exist as of the last load. */
let absent = new Set<string>();

const catalogue = cached(
  async () => {
    const roles = new Map((await listRoles()).map((role) => [role.id, role]));
    absent = new Set();
    return roles;
  },
  () => env.clientCacheTtlSeconds() * 1000,
);

export function loadRoles(): Promise<ReadonlyMap<string, Role>> {
  return catalogue.get();
}

/** `roles`, or newly loaded definitions when `roleIds` names a role they don't know. */
export async function rolesKnowing(
  roles: ReadonlyMap<string, Role>,
  roleIds: readonly string[],
): Promise<ReadonlyMap<string, Role>> {
  const unknown = roleIds.filter((id) => !roles.has(id) && !absent.has(id));
  if (unknown.length === 0) return roles;
  catalogue.invalidate();
  const fresh = await catalogue.get();
  for (const id of unknown) if (!fresh.has(id)) absent.add(id);
  return fresh;
}

/**
 * Organization role and scope definitions: cached, and loaded again for an unknown role id, exactly like
 * roles. A member's organization role ids are read beside Sign, like a user's role ids.
 */
let absentOrganizationRoles = new Set<string>();

const organizationCatalogue = cached(
  async (): Promise<OrganizationDefinitions> => {
    const [roles, scopes] = await Promise.all([listOrganizationRoles(), listOrganizationScopes()]);
    absentOrganizationRoles = new Set();
    return {
      roles: new Map(roles.map((role) => [role.id, role])),
      scopes: new Map(scopes.map((scope) => [scope.id, scope])),
    };
  },
  () => env.clientCacheTtlSeconds() * 1000,
);

export function loadOrganizationDefinitions(): Promise<OrganizationDefinitions> {
  return organizationCatalogue.get();
}

export async function organizationDefinitionsKnowing(
  definitions: OrganizationDefinitions,
  roleIds: readonly string[],
): Promise<OrganizationDefinitions> {
  const unknown = roleIds.filter((id) => !definitions.roles.has(id) && !absentOrganizationRoles.has(id));
  if (unknown.length === 0) return definitions;
  organizationCatalogue.invalidate();
  const fresh = await organizationCatalogue.get();
  for (const id of unknown) if (!fresh.roles.has(id)) absentOrganizationRoles.add(id);
  return fresh;
}

const MAX_REMEMBERED = 10_000;
const lastSeen = new Map<string, readonly string[]>();

/** The role ids this container last saw for the user (in the organization, when one is given); none yet: undefined. */
export function lastSeenRoleIds(userId: string, organizationId?: string): readonly string[] | undefined {
  return lastSeen.get(`${organizationId ?? ''}\0${userId}`);
}

export function rememberRoleIds(userId: string, roleIds: readonly string[], organizationId?: string): void {
  const key = `${organizationId ?? ''}\0${userId}`;
  lastSeen.delete(key);
  if (lastSeen.size >= MAX_REMEMBERED) lastSeen.delete(lastSeen.keys().next().value as string);
  lastSeen.set(key, roleIds);
}
