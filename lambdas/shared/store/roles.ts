/**
 * Roles, their scopes, and users' role assignments. A role is one item (its scopes inside it), its name
 * is claimed by a ROLENAME# item in the same transaction. A user's role ids are one USERROLES# item,
 * tagged with the user's `createdAt`: after the user is deleted and the id registered again, the old
 * assignments no longer count. The token endpoint reads that item strongly consistently on every
 * exchange with a resource, so removing a role from a user bites at once.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import type { Role, ScopeRef } from '../model/role';
import { keys, listPartition } from './keys';
import { listByKind } from './list-index';
import { idChanges, sameIds, userRegisteredAt } from './assignments';
import { auditPut, type AuditAction, type AuditCaller } from './audit';
import { optimistically, RETRY, transactWrite } from './transactions';
import { consistentRead, number, texts, type ItemRead } from './token-path-reads';

const table = () => env.tableName();

function toRole(item: Record<string, unknown>): Role {
  return {
    id: item.id as string,
    name: item.name as string,
    description: item.description as string,
    type: (item.type as Role['type'] | undefined) ?? 'User',
    isDefault: Boolean(item.isDefault),
    scopes: (item.scopes as ScopeRef[] | undefined) ?? [],
    createdAt: item.createdAt as number,
  };
}

async function getRoleItem(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.role(id), ConsistentRead: true })),
  );
  return Item;
}

const roleItem = (role: Role, version: number) => ({
  ...keys.role(role.id),
  gsi1pk: listPartition.role,
  gsi1sk: `${role.createdAt}#${role.id}`,
  ...role,
  version,
});

const claimName = (name: string, roleId: string) => ({
  Put: {
    TableName: table(),
    Item: { ...keys.roleName(name), roleId },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export async function createRole(caller: AuditCaller, role: Role): Promise<'created' | 'name_in_use'> {
  const outcome = await transactWrite([
    { Put: { TableName: table(), Item: roleItem(role, 1), ConditionExpression: 'attribute_not_exists(pk)' } },
    claimName(role.name, role.id),
    auditPut('role.created', { details: { roleId: role.id, name: role.name } }, caller, role.createdAt),
  ]);
  return outcome.committed ? 'created' : 'name_in_use';
}

export async function getRole(id: string): Promise<Role | undefined> {
  const item = await getRoleItem(id);
  return item ? toRole(item) : undefined;
}

export async function listRoles(): Promise<Role[]> {
  return (await listByKind(listPartition.role)).map(toRole);
}

export type RoleWrite<T> = { status: 'ok'; value: T } | { status: 'not_found' | 'name_in_use' | 'scope_exists' };

/** Read, change, write conditional on the role's version (again if it changed meanwhile). */
function changeRole<T>(
  caller: AuditCaller,
  id: string,
  action: AuditAction,
  change: (role: Role) => { role: Role; value: T; details?: Record<string, string> } | RoleWrite<T>,
): Promise<RoleWrite<T>> {
  return optimistically(async () => {
    const item = await getRoleItem(id);
    if (!item) return { status: 'not_found' } as const;
    const current = toRole(item);
    const outcome = change(current);
    if ('status' in outcome) return outcome;
    const version = item.version as number;
    const renamed = outcome.role.name !== current.name;
    const result = await transactWrite([
      {
        Put: {
          TableName: table(),
          Item: roleItem(outcome.role, version + 1),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': version },
        },
      },
      ...(renamed
        ? [
            claimName(outcome.role.name, id),
            {
              Delete: {
                TableName: table(),
                Key: keys.roleName(current.name),
                ConditionExpression: 'roleId = :id',
                ExpressionAttributeValues: { ':id': id },
              },
            },
          ]
        : []),
      auditPut(action, { details: { roleId: id, name: outcome.role.name, ...outcome.details } }, caller),
    ]);
    if (result.committed) return { status: 'ok' as const, value: outcome.value };
    if (renamed && result.reasons[1] === 'ConditionalCheckFailed') return { status: 'name_in_use' } as const;
    return RETRY;
  });
}

export function updateRole(
  caller: AuditCaller,
  id: string,
  changes: { name?: string; description?: string; isDefault?: boolean },
): Promise<RoleWrite<Role>> {
  return changeRole<Role>(caller, id, 'role.updated', (role) => {
    const updated = { ...role, ...changes };
    return { role: updated, value: updated };
  });
}

export function addRoleScopes(caller: AuditCaller, id: string, refs: readonly ScopeRef[]): Promise<RoleWrite<Role>> {
  return changeRole<Role>(caller, id, 'role.scopes_added', (role) => {
    if (refs.some((ref) => role.scopes.some((each) => each.scopeId === ref.scopeId))) return { status: 'scope_exists' };
    const updated = { ...role, scopes: [...role.scopes, ...refs] };
    return { role: updated, value: updated, details: { scopeIds: refs.map((ref) => ref.scopeId).join(',') } };
  });
}

export function removeRoleScope(caller: AuditCaller, id: string, scopeId: string): Promise<RoleWrite<boolean>> {
  return changeRole(caller, id, 'role.scope_removed', (role) => {
    if (!role.scopes.some((each) => each.scopeId === scopeId)) return { status: 'ok', value: false };
    return {
      role: { ...role, scopes: role.scopes.filter((each) => each.scopeId !== scopeId) },
      value: true,
      details: { scopeId },
    };
  });
}

/** Users keep the id of a deleted role; it grants nothing and no longer lists. */
export function deleteRole(caller: AuditCaller, id: string): Promise<boolean> {
  return optimistically(async () => {
    const item = await getRoleItem(id);
    if (!item) return false;
    const outcome = await transactWrite([
      {
        Delete: {
          TableName: table(),
          Key: keys.role(id),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': item.version },
        },
      },
      {
        Delete: {
          TableName: table(),
          Key: keys.roleName(item.name as string),
          ConditionExpression: 'roleId = :id',
          ExpressionAttributeValues: { ':id': id },
        },
      },
      auditPut('role.deleted', { details: { roleId: id, name: item.name as string } }, caller),
    ]);
    return outcome.committed ? true : RETRY;
  });
}

export interface RoleAssignment {
  roleIds: string[];
  /** The `createdAt` of the user the roles were given to. */
  userCreatedAt: number;
}

/** Read strongly consistently: the token endpoint relies on it for "removing a role bites at once". */
export const roleAssignmentRead = (userId: string): ItemRead<RoleAssignment | undefined> => ({
  key: keys.userRoles(userId),
  attributes: ['roleIds', 'userCreatedAt'],
  map: (item) => item && { roleIds: texts(item.roleIds) ?? [], userCreatedAt: number(item.userCreatedAt)! },
});

export const getRoleAssignment = (userId: string) => consistentRead(roleAssignmentRead(userId));

/** The role ids of the user registered at `userCreatedAt`: none if the assignment was another user's of that id. */
export const assignedRoleIds = (assignment: RoleAssignment | undefined, userCreatedAt: number | undefined): string[] =>
  assignment && assignment.userCreatedAt === userCreatedAt ? assignment.roleIds : [];

export async function getUserRoleIds(userId: string, userCreatedAt: number): Promise<string[]> {
  return assignedRoleIds(await getRoleAssignment(userId), userCreatedAt);
}

const assignedTo = (item: Record<string, unknown> | undefined, userCreatedAt: number): string[] =>
  assignedRoleIds(
    item && { roleIds: (item.roleIds as string[] | undefined) ?? [], userCreatedAt: item.userCreatedAt as number },
    userCreatedAt,
  );

/**
 * Sets the user's role ids to `change(current)`, conditional on the user item still being the one
 * registered at `userCreatedAt` and on the assignments not having changed meanwhile.
 */
export function changeUserRoles<T>(
  caller: AuditCaller,
  userId: string,
  userCreatedAt: number,
  action: AuditAction,
  change: (roleIds: string[]) => { roleIds: string[]; value: T },
): Promise<T | 'user_not_found'> {
  return optimistically(async () => {
    const { Item } = await guarded('dynamodb', () =>
      dynamo().send(new GetCommand({ TableName: table(), Key: keys.userRoles(userId), ConsistentRead: true })),
    );
    const current = assignedTo(Item, userCreatedAt);
    const { roleIds, value } = change(current);
    // No change, no write (and no audit event).
    if (sameIds(roleIds, current)) return value;
    const version = (Item?.version as number | undefined) ?? 0;
    const outcome = await transactWrite([
      userRegisteredAt(userId, userCreatedAt),
      {
        Put: {
          TableName: table(),
          Item: { ...keys.userRoles(userId), userId, userCreatedAt, roleIds, version: version + 1 },
          ...(Item
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      auditPut(action, { userId, details: idChanges('RoleIds', current, roleIds) }, caller),
    ]);
    if (outcome.committed) return value;
    if (outcome.reasons[0] === 'ConditionalCheckFailed') return 'user_not_found' as const;
    return RETRY;
  });
}
