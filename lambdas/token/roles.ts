/**
 * The scopes a user's roles grant on a resource, without a third round trip in the steady state.
 *
 * Role definitions (which scopes each role grants) change rarely: the whole set is cached per container
 * for CLIENT_CACHE_TTL_SECONDS, stale-while-revalidate like applications and resources, and loaded in the
 * first round trip. So a change to a role (its scopes, or its deletion) bites within that TTL.
 *
 * A user's role ids must bite at once: they are read strongly consistently in the second round trip,
 * beside KMS Sign. The token is signed with the scopes of the role ids this container last saw for the
 * user; when the read shows other role ids that grant other scopes, the token is signed again (a third
 * round trip, only then). A token never carries the scopes of roles the user no longer has.
 */
import { cached } from '../shared/cache';
import { env } from '../shared/config';
import type { Role } from '../shared/model/role';
import { listRoles } from '../shared/store/roles';

const catalogue = cached(
  async () => new Map((await listRoles()).map((role) => [role.id, role])),
  () => env.clientCacheTtlSeconds() * 1000,
);

export function loadRoles(): Promise<ReadonlyMap<string, Role>> {
  return catalogue.get();
}

const MAX_USERS_REMEMBERED = 10_000;
const lastSeen = new Map<string, readonly string[]>();

export function lastSeenRoleIds(userId: string): readonly string[] {
  return lastSeen.get(userId) ?? [];
}

export function rememberRoleIds(userId: string, roleIds: readonly string[]): void {
  lastSeen.delete(userId);
  if (lastSeen.size >= MAX_USERS_REMEMBERED) lastSeen.delete(lastSeen.keys().next().value as string);
  lastSeen.set(userId, roleIds);
}
