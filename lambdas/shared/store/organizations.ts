/**
 * Organizations, organization scopes and roles, and memberships. Scopes and roles are items with a
 * version (optimistic writes) and a unique name (an ORGNAME# item in the same transaction). A membership
 * is one item per (organization, user) holding the member's organization role ids, tagged with the user's
 * `createdAt` like a user's roles; the token endpoint reads it strongly consistently on every exchange
 * with `organization_id`, so removing a member or a member's role bites at once.
 */
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import type { Organization, OrganizationRole, OrganizationScope } from '../model/organization';
import { idChanges, sameIds, userRegisteredAt } from './assignments';
import { auditPut, type AuditAction, type AuditCaller } from './audit';
import { GSI1, keyPrefix, keys, listPartition } from './keys';
import { listByKind, queryAll } from './list-index';
import { optimistically, RETRY, transactWrite } from './transactions';
import { consistentRead, number, text, texts, type ItemRead } from './token-path-reads';

const table = () => env.tableName();

async function getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true })),
  );
  return Item;
}

// Organizations

const toOrganization = (item: Record<string, unknown>): Organization => ({
  id: item.id as string,
  name: item.name as string,
  description: (item.description as string | null | undefined) ?? null,
  customData: JSON.parse((item.customData as string | undefined) ?? '{}') as Record<string, unknown>,
  createdAt: item.createdAt as number,
});

const organizationItem = (organization: Organization) => ({
  ...keys.organization(organization.id),
  gsi1pk: listPartition.organization,
  gsi1sk: `${organization.createdAt}#${organization.id}`,
  ...organization,
  customData: JSON.stringify(organization.customData),
});

export async function createOrganization(caller: AuditCaller, organization: Organization): Promise<void> {
  const outcome = await transactWrite([
    {
      Put: {
        TableName: table(),
        Item: organizationItem(organization),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut(
      'organization.created',
      { details: { organizationId: organization.id, name: organization.name } },
      caller,
      organization.createdAt,
    ),
  ]);
  // The id is generated: taken only by a broken generator.
  if (!outcome.committed) throw new Error('Organization id already in use');
}

export async function getOrganization(id: string): Promise<Organization | undefined> {
  const item = await getItem(keys.organization(id));
  return item ? toOrganization(item) : undefined;
}

export async function listOrganizations(): Promise<Organization[]> {
  return (await listByKind(listPartition.organization)).map(toOrganization);
}

export async function updateOrganization(
  caller: AuditCaller,
  id: string,
  changes: { name?: string; description?: string | null; customData?: Record<string, unknown> },
): Promise<Organization | undefined> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = field === 'customData' ? JSON.stringify(value) : value;
    sets.push(`#${field} = :${field}`);
  }
  if (sets.length === 0) return getOrganization(id);
  const fields = Object.keys(names)
    .map((name) => name.slice(1))
    .join(',');
  const outcome = await transactWrite([
    {
      Update: {
        TableName: table(),
        Key: keys.organization(id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    auditPut('organization.updated', { details: { organizationId: id, fields } }, caller),
  ]);
  if (!outcome.committed) return undefined;
  // A transaction returns no values: read the organization as written (strongly consistent).
  return getOrganization(id);
}

/**
 * Deletes the organization first (so no member can be added from then on: adding one checks it exists in
 * the same transaction), then its memberships, read strongly consistently after that.
 */
/** Memberships a deletion removes inline; any more are left to the maintenance function (purgeDeletedOrganizations). */
const INLINE_MEMBER_REMOVALS = 100;

/**
 * Deletes the organization at once, in one transaction with its audit event and a purge marker. From then on its
 * memberships are dead: the token endpoint reads the organization item beside the membership, so a deleted
 * organization issues no token however many memberships are left. Those are removed in bounded steps: up to
 * INLINE_MEMBER_REMOVALS here, the rest by the maintenance function (never an unbounded fan-out on a request).
 */
export async function deleteOrganization(caller: AuditCaller, id: string, at = Date.now()): Promise<boolean> {
  const outcome = await transactWrite([
    {
      Delete: {
        TableName: table(),
        Key: keys.organization(id),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table(),
        Item: {
          ...keys.organizationPurge(id),
          gsi1pk: listPartition.organizationPurge,
          gsi1sk: `${at}#${id}`,
          organizationId: id,
        },
      },
    },
    auditPut('organization.deleted', { details: { organizationId: id } }, caller),
  ]);
  if (!outcome.committed) return false;
  await removeMemberships(id, INLINE_MEMBER_REMOVALS);
  return true;
}

/**
 * Removes up to `budget` memberships of a deleted organization; when none is left, its purge marker too.
 * Returns whether the organization's purge is complete.
 */
async function removeMemberships(organizationId: string, budget: number): Promise<boolean> {
  const { Items = [] } = await guarded('dynamodb', () =>
    dynamo().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.membership(organizationId, '').pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        Limit: budget + 1,
      }),
    ),
  );
  for (const key of Items.slice(0, budget)) {
    await guarded('dynamodb', () => dynamo().send(new DeleteCommand({ TableName: table(), Key: key })));
  }
  if (Items.length > budget) return false;
  await guarded('dynamodb', () =>
    dynamo().send(new DeleteCommand({ TableName: table(), Key: keys.organizationPurge(organizationId) })),
  );
  return true;
}

/**
 * The maintenance function's part: the memberships deletions left, `budget` at most per organization; once
 * `outOfTime()`, the rest wait for the next run.
 */
export async function purgeDeletedOrganizations(
  budget: number,
  outOfTime: () => boolean,
): Promise<{ completed: number; pending: number }> {
  let completed = 0;
  let pending = 0;
  for (const marker of await listByKind(listPartition.organizationPurge)) {
    if (!outOfTime() && (await removeMemberships(marker.organizationId as string, budget))) completed++;
    else pending++;
  }
  return { completed, pending };
}

/** Read beside the membership by the token endpoint: a deleted organization's memberships grant nothing. */
export const organizationExistsRead = (id: string): ItemRead<boolean> => ({
  key: keys.organization(id),
  attributes: ['pk'],
  map: (item) => item !== undefined,
});

// Organization scopes and roles: named, versioned entities

type NamedKind = 'scope' | 'role';
const named = {
  scope: {
    key: keys.organizationScope,
    partition: listPartition.organizationScope,
    audit: 'organization_scope',
    idField: 'organizationScopeId',
  },
  role: {
    key: keys.organizationRole,
    partition: listPartition.organizationRole,
    audit: 'organization_role',
    idField: 'organizationRoleId',
  },
} as const;

const namedAudit = (
  caller: AuditCaller,
  kind: NamedKind,
  change: string,
  id: string,
  name: string,
  details?: Record<string, string>,
) => auditPut(`${named[kind].audit}.${change}`, { details: { [named[kind].idField]: id, name, ...details } }, caller);

const toScope = (item: Record<string, unknown>): OrganizationScope => ({
  id: item.id as string,
  name: item.name as string,
  description: (item.description as string | null | undefined) ?? null,
});

const toRole = (item: Record<string, unknown>): OrganizationRole => ({
  ...toScope(item),
  type: 'User',
  scopeIds: (item.scopeIds as string[] | undefined) ?? [],
});

export type NamedWrite<T> = { status: 'ok'; value: T } | { status: 'not_found' | 'name_in_use' | 'unknown_scope' };

async function createNamed(
  caller: AuditCaller,
  kind: NamedKind,
  entity: { id: string; name: string },
  createdAt: number,
) {
  const outcome = await transactWrite([
    {
      Put: {
        TableName: table(),
        Item: {
          ...named[kind].key(entity.id),
          gsi1pk: named[kind].partition,
          gsi1sk: `${createdAt}#${entity.id}`,
          ...entity,
          createdAt,
          version: 1,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { ...keys.organizationName(kind, entity.name), id: entity.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    namedAudit(caller, kind, 'created', entity.id, entity.name),
  ]);
  return outcome.committed ? ('created' as const) : ('name_in_use' as const);
}

function changeNamed<T>(
  caller: AuditCaller,
  kind: NamedKind,
  id: string,
  action: 'updated' | 'scopes_added' | 'scope_removed' | 'scopes_replaced',
  change: (
    item: Record<string, unknown>,
  ) => { item: Record<string, unknown>; value: T; details?: Record<string, string> } | NamedWrite<T>,
): Promise<NamedWrite<T>> {
  return optimistically(async () => {
    const item = await getItem(named[kind].key(id));
    if (!item) return { status: 'not_found' } as const;
    const outcome = change(item);
    if ('status' in outcome) return outcome;
    const version = item.version as number;
    const renamed = outcome.item.name !== item.name;
    const result = await transactWrite([
      {
        Put: {
          TableName: table(),
          Item: { ...outcome.item, version: version + 1 },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': version },
        },
      },
      ...(renamed
        ? [
            {
              Put: {
                TableName: table(),
                Item: { ...keys.organizationName(kind, outcome.item.name as string), id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Delete: {
                TableName: table(),
                Key: keys.organizationName(kind, item.name as string),
                ConditionExpression: 'id = :id',
                ExpressionAttributeValues: { ':id': id },
              },
            },
          ]
        : []),
      namedAudit(caller, kind, action, id, outcome.item.name as string, outcome.details),
    ]);
    if (result.committed) return { status: 'ok' as const, value: outcome.value };
    if (renamed && result.reasons[1] === 'ConditionalCheckFailed') return { status: 'name_in_use' } as const;
    return RETRY;
  });
}

function deleteNamed(caller: AuditCaller, kind: NamedKind, id: string): Promise<boolean> {
  return optimistically(async () => {
    const item = await getItem(named[kind].key(id));
    if (!item) return false;
    const outcome = await transactWrite([
      {
        Delete: {
          TableName: table(),
          Key: named[kind].key(id),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': item.version },
        },
      },
      {
        Delete: {
          TableName: table(),
          Key: keys.organizationName(kind, item.name as string),
          ConditionExpression: 'id = :id',
          ExpressionAttributeValues: { ':id': id },
        },
      },
      namedAudit(caller, kind, 'deleted', id, item.name as string),
    ]);
    return outcome.committed ? true : RETRY;
  });
}

export const createOrganizationScope = (caller: AuditCaller, scope: OrganizationScope, createdAt: number) =>
  createNamed(caller, 'scope', scope, createdAt);
export const createOrganizationRole = (caller: AuditCaller, role: OrganizationRole, createdAt: number) =>
  createNamed(caller, 'role', role, createdAt);

export async function getOrganizationScope(id: string) {
  const item = await getItem(keys.organizationScope(id));
  return item ? toScope(item) : undefined;
}
export async function getOrganizationRole(id: string) {
  const item = await getItem(keys.organizationRole(id));
  return item ? toRole(item) : undefined;
}
export const listOrganizationScopes = async () => (await listByKind(listPartition.organizationScope)).map(toScope);
export const listOrganizationRoles = async () => (await listByKind(listPartition.organizationRole)).map(toRole);

export const updateOrganizationScope = (
  caller: AuditCaller,
  id: string,
  changes: { name?: string; description?: string | null },
) =>
  changeNamed<OrganizationScope>(caller, 'scope', id, 'updated', (item) => {
    const updated = { ...item, ...definedOnly(changes) };
    return { item: updated, value: toScope(updated) };
  });

export const updateOrganizationRole = (
  caller: AuditCaller,
  id: string,
  changes: { name?: string; description?: string | null },
) =>
  changeNamed<OrganizationRole>(caller, 'role', id, 'updated', (item) => {
    const updated = { ...item, ...definedOnly(changes) };
    return { item: updated, value: toRole(updated) };
  });

/** Adds scopes to a role (those it has are kept once). */
export const addOrganizationRoleScopes = (caller: AuditCaller, id: string, scopeIds: readonly string[]) =>
  changeNamed<OrganizationRole>(caller, 'role', id, 'scopes_added', (item) => {
    const current = toRole(item).scopeIds;
    const added = scopeIds.filter((scopeId, i) => !current.includes(scopeId) && scopeIds.indexOf(scopeId) === i);
    if (added.length === 0) return { status: 'ok', value: toRole(item) };
    const updated = { ...item, scopeIds: [...current, ...added] };
    return { item: updated, value: toRole(updated), details: { scopeIds: added.join(',') } };
  });

/** Sets a role's scopes to exactly these (one conditional write of the role item). */
export const replaceOrganizationRoleScopes = (caller: AuditCaller, id: string, scopeIds: readonly string[]) =>
  changeNamed<OrganizationRole>(caller, 'role', id, 'scopes_replaced', (item) => {
    const current = toRole(item).scopeIds;
    const next = [...new Set(scopeIds)];
    if (next.length === current.length && next.every((scopeId) => current.includes(scopeId))) {
      return { status: 'ok', value: toRole(item) };
    }
    const updated = { ...item, scopeIds: next };
    return {
      item: updated,
      value: toRole(updated),
      details: idChanges('ScopeIds', current, next),
    };
  });

export const removeOrganizationRoleScope = (caller: AuditCaller, id: string, scopeId: string) =>
  changeNamed<boolean>(caller, 'role', id, 'scope_removed', (item) => {
    const current = toRole(item).scopeIds;
    if (!current.includes(scopeId)) return { status: 'ok', value: false };
    return {
      item: { ...item, scopeIds: current.filter((each) => each !== scopeId) },
      value: true,
      details: { scopeId },
    };
  });

export const deleteOrganizationScope = (caller: AuditCaller, id: string) => deleteNamed(caller, 'scope', id);
export const deleteOrganizationRole = (caller: AuditCaller, id: string) => deleteNamed(caller, 'role', id);

const definedOnly = <T extends object>(changes: T) =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));

// Memberships

export interface Membership {
  organizationId: string;
  userId: string;
  userCreatedAt: number;
  roleIds: string[];
  version: number;
}

const toMembership = (item: Record<string, unknown>): Membership => ({
  organizationId: (item.pk as string).slice(keyPrefix.membership.length),
  userId: item.userId as string,
  userCreatedAt: item.userCreatedAt as number,
  roleIds: (item.roleIds as string[] | undefined) ?? [],
  version: (item.version as number | undefined) ?? 0,
});

/** Read strongly consistently: the token endpoint relies on it for "removing a member bites at once". */
export const membershipRead = (organizationId: string, userId: string): ItemRead<Membership | undefined> => ({
  key: keys.membership(organizationId, userId),
  attributes: ['userId', 'userCreatedAt', 'roleIds', 'version'],
  map: (item) =>
    item && {
      organizationId,
      userId: text(item.userId)!,
      userCreatedAt: number(item.userCreatedAt)!,
      roleIds: texts(item.roleIds) ?? [],
      version: number(item.version) ?? 0,
    },
});

export const getMembership = (organizationId: string, userId: string) =>
  consistentRead(membershipRead(organizationId, userId));

/** The membership of the user registered at `userCreatedAt`, not of an earlier user with the same id. */
export const membershipOf = (membership: Membership | undefined, userCreatedAt: number | undefined) =>
  membership && membership.userCreatedAt === userCreatedAt ? membership : undefined;

export async function listMemberships(organizationId: string): Promise<Membership[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.membership(organizationId, '').pk },
    ConsistentRead: true,
  });
  return items.map(toMembership);
}

/**
 * The memberships of a user id, from the listing index (eventually consistent, like every listing); those of
 * an earlier user with the same id are among them (see membershipOf). Memberships written before the index
 * entry existed get it from the maintenance function (indexMemberships).
 */
export async function listUserMemberships(userId: string): Promise<Membership[]> {
  const { gsi1pk } = keys.membershipByUser(userId, '');
  const items = await queryAll({
    IndexName: GSI1,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': gsi1pk },
  });
  return items.map(toMembership);
}

/**
 * Makes the user a member (kept as it is when it already is one), conditional on the organization
 * existing and the user being the one registered at `userCreatedAt`.
 */
export async function addMember(
  caller: AuditCaller,
  organizationId: string,
  userId: string,
  userCreatedAt: number,
): Promise<'added' | 'member' | 'organization_not_found' | 'user_not_found'> {
  const current = membershipOf(await getMembership(organizationId, userId), userCreatedAt);
  if (current) return 'member';
  const outcome = await transactWrite([
    {
      ConditionCheck: {
        TableName: table(),
        Key: keys.organization(organizationId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    userRegisteredAt(userId, userCreatedAt),
    {
      Put: {
        TableName: table(),
        Item: {
          ...keys.membership(organizationId, userId),
          ...keys.membershipByUser(userId, organizationId),
          userId,
          userCreatedAt,
          roleIds: [],
          version: 1,
        },
      },
    },
    auditPut('organization.member_added', { userId, details: { organizationId } }, caller),
  ]);
  if (outcome.committed) return 'added';
  return outcome.reasons[0] === 'ConditionalCheckFailed' ? 'organization_not_found' : 'user_not_found';
}

/** TransactWriteItems' limit: the most actions one transaction holds. */
const MAX_TRANSACTION_ACTIONS = 100;

export type MemberReplacement =
  | { status: 'ok'; added: string[]; removed: string[] }
  | { status: 'organization_not_found' | 'user_not_found' }
  | { status: 'too_many'; changes: number; limit: number };

/**
 * Makes exactly these users the organization's members, in one transaction: the memberships of users not in
 * the set are deleted (each conditional on being as read), those of new members put (each conditional on its
 * user still being the one registered at `createdAt`, and on the organization existing). Members kept keep
 * their roles. A replacement that needs more than one transaction is refused ('too_many'), never half written.
 */
export function replaceMembers(
  caller: AuditCaller,
  organizationId: string,
  users: readonly { id: string; createdAt: number }[],
): Promise<MemberReplacement> {
  return optimistically(async () => {
    const current = new Map((await listMemberships(organizationId)).map((member) => [member.userId, member]));
    const wanted = new Set(users.map((user) => user.id));
    const removed = [...current.values()].filter((member) => !wanted.has(member.userId));
    const added = users.filter((user) => current.get(user.id)?.userCreatedAt !== user.createdAt);
    if (removed.length === 0 && added.length === 0) return { status: 'ok', added: [], removed: [] } as const;
    // The organization check and the audit event, one delete per member removed, a put and a user check per member added.
    const changes = 2 + removed.length + 2 * added.length;
    if (changes > MAX_TRANSACTION_ACTIONS) {
      return { status: 'too_many', changes, limit: MAX_TRANSACTION_ACTIONS } as const;
    }
    const versionOf = (userId: string) => current.get(userId)?.version;
    const unchanged = (userId: string) => {
      const version = versionOf(userId);
      return version === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } };
    };
    const outcome = await transactWrite([
      {
        ConditionCheck: {
          TableName: table(),
          Key: keys.organization(organizationId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      ...removed.map((member) => ({
        Delete: {
          TableName: table(),
          Key: keys.membership(organizationId, member.userId),
          ...unchanged(member.userId),
        },
      })),
      ...added.flatMap((user) => [
        userRegisteredAt(user.id, user.createdAt),
        {
          Put: {
            TableName: table(),
            Item: {
              ...keys.membership(organizationId, user.id),
              ...keys.membershipByUser(user.id, organizationId),
              userId: user.id,
              userCreatedAt: user.createdAt,
              roleIds: [],
              version: (versionOf(user.id) ?? 0) + 1,
            },
            ...unchanged(user.id),
          },
        },
      ]),
      auditPut(
        'organization.members_replaced',
        {
          details: {
            organizationId,
            addedUserIds: added.map((user) => user.id).join(','),
            removedUserIds: removed.map((member) => member.userId).join(','),
          },
        },
        caller,
      ),
    ]);
    if (outcome.committed) {
      return { status: 'ok', added: added.map((user) => user.id), removed: removed.map((member) => member.userId) };
    }
    if (outcome.reasons[0] === 'ConditionalCheckFailed') return { status: 'organization_not_found' } as const;
    const userChecks = added.map((_, i) => 1 + removed.length + 2 * i);
    if (userChecks.some((index) => outcome.reasons[index] === 'ConditionalCheckFailed')) {
      return { status: 'user_not_found' } as const;
    }
    return RETRY;
  });
}

export async function removeMember(caller: AuditCaller, organizationId: string, userId: string): Promise<boolean> {
  const outcome = await transactWrite([
    {
      Delete: {
        TableName: table(),
        Key: keys.membership(organizationId, userId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    auditPut('organization.member_removed', { userId, details: { organizationId } }, caller),
  ]);
  return outcome.committed;
}

/** Changes a member's organization role ids; 'not_member' when the user isn't one. */
export function changeMemberRoles<T>(
  caller: AuditCaller,
  organizationId: string,
  userId: string,
  action: AuditAction,
  change: (roleIds: string[]) => { roleIds: string[]; value: T },
): Promise<T | 'not_member'> {
  return optimistically(async () => {
    const item = await getItem(keys.membership(organizationId, userId));
    if (!item) return 'not_member' as const;
    const current = toMembership(item).roleIds;
    const { roleIds, value } = change(current);
    // No change, no write (and no audit event).
    if (sameIds(roleIds, current)) return value;
    const outcome = await transactWrite([
      {
        Put: {
          TableName: table(),
          Item: {
            ...item,
            ...keys.membershipByUser(userId, organizationId),
            roleIds,
            version: (item.version as number) + 1,
          },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': item.version },
        },
      },
      auditPut(
        action,
        {
          userId,
          details: { organizationId, ...idChanges('RoleIds', current, roleIds) },
        },
        caller,
      ),
    ]);
    return outcome.committed ? value : RETRY;
  });
}
