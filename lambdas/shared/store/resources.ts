/**
 * API resources (RFC 8707 resource indicators). The copy keyed by indicator (read by the token endpoint)
 * is written in the same transaction as the one keyed by id, conditional on the resource's `scopesVersion`,
 * so the two never drift. Scopes live inside the resource item: the token endpoint gets them with the
 * resource, in the same (cached) read.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import { guarded } from '../aws/dependency-errors';
import { keys, listPartition } from './keys';
import { listByKind } from './list-index';
import { unmarshalledAs, type ItemRead } from './token-path-reads';
import { auditPut, type AuditCaller } from './audit';
import { optimistically, RETRY, transactWrite } from './transactions';
import { toScopes, type ApiResource, type ResourceScope } from '../model/resource';
import type { PatPolicyOverride } from '../model/pat-policy';

const table = () => env.tableName();

function toResource(item: Record<string, unknown>): ApiResource {
  return {
    id: item.id as string,
    name: item.name as string,
    indicator: item.indicator as string,
    accessTokenTtl: (item.accessTokenTtl as number | null | undefined) ?? null,
    scopes: toScopes(item.id as string, item.scopes, item.createdAt as number),
    patPolicy: (item.patPolicy as PatPolicyOverride | null | undefined) ?? null,
    createdAt: item.createdAt as number,
  };
}

/** 0 for resources never written since scopes became entities. */
const versionOf = (item: Record<string, unknown>) => (item.scopesVersion as number | undefined) ?? 0;

export async function createResource(
  caller: AuditCaller,
  resource: ApiResource,
): Promise<'created' | 'indicator_exists'> {
  const outcome = await transactWrite([
    {
      Put: {
        TableName: table(),
        Item: {
          ...keys.resource(resource.id),
          gsi1pk: listPartition.resource,
          gsi1sk: `${resource.createdAt}#${resource.id}`,
          ...resource,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { ...keys.resourceByIndicator(resource.indicator), ...resource },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut('resource.created', { resourceId: resource.id, details: { indicator: resource.indicator } }, caller),
  ]);
  return outcome.committed ? 'created' : 'indicator_exists';
}

export async function getResource(id: string, consistent = false): Promise<ApiResource | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.resource(id), ConsistentRead: consistent })),
  );
  return Item ? toResource(Item) : undefined;
}

/** A resource by indicator, as the token endpoint reads it (alone, or with the PAT lookup on a cold container). */
export const resourceByIndicatorRead = (indicator: string): ItemRead<ApiResource | undefined> => ({
  key: keys.resourceByIndicator(indicator),
  map: unmarshalledAs(toResource),
});

export async function listResources(): Promise<ApiResource[]> {
  return (await listByKind(listPartition.resource)).map(toResource);
}

export function deleteResource(caller: AuditCaller, id: string): Promise<boolean> {
  return optimistically(async () => {
    const resource = await getResource(id);
    if (!resource) return false;
    const outcome = await transactWrite([
      { Delete: { TableName: table(), Key: keys.resource(id), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Delete: {
          TableName: table(),
          Key: keys.resourceByIndicator(resource.indicator),
          ConditionExpression: 'id = :id',
          ExpressionAttributeValues: { ':id': id },
        },
      },
      auditPut('resource.deleted', { resourceId: id, details: { indicator: resource.indicator } }, caller),
    ]);
    return outcome.committed ? true : RETRY;
  });
}

export type ResourceChanges = Partial<Pick<ApiResource, 'name' | 'accessTokenTtl' | 'patPolicy'>>;

/**
 * Changes a resource's own fields on both copies, with its audit event, in one transaction. The version
 * goes up so a scope change that read the resource before this one writes again (it Puts the whole item).
 */
export function updateResource(
  caller: AuditCaller,
  id: string,
  changes: ResourceChanges,
): Promise<ApiResource | undefined> {
  return optimistically(async () => {
    const resource = await getResource(id, true);
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (!resource || entries.length === 0) return resource;
    const names = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
    const values = {
      ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
      ':zero': 0,
      ':one': 1,
    };
    const fields = entries
      .map(([key]) => key)
      .sort()
      .join(',');
    const update = `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}, scopesVersion = if_not_exists(scopesVersion, :zero) + :one`;
    const outcome = await transactWrite([
      {
        Update: {
          TableName: table(),
          Key: keys.resource(id),
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      {
        Update: {
          TableName: table(),
          Key: keys.resourceByIndicator(resource.indicator),
          UpdateExpression: update,
          ConditionExpression: 'id = :id',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':id': id },
        },
      },
      auditPut('resource.updated', { resourceId: id, details: { fields } }, caller),
    ]);
    return outcome.committed ? { ...resource, ...Object.fromEntries(entries) } : RETRY;
  });
}

export type ScopeWrite<T> = { status: 'ok'; value: T } | { status: 'not_found' | 'scope_not_found' | 'name_exists' };

/**
 * Changes a resource's scopes (read, change, conditional write of both copies; again if the resource
 * changed meanwhile). `change` returns the new list and a value, or a refusal.
 */
function changeScopes<T>(
  caller: AuditCaller,
  resourceId: string,
  action: 'resource.scope_created' | 'resource.scope_updated' | 'resource.scope_deleted',
  change: (
    scopes: ResourceScope[],
  ) => { scopes: ResourceScope[]; value: T; scope: { id: string; name: string } } | ScopeWrite<T>,
): Promise<ScopeWrite<T>> {
  return optimistically(async () => {
    const { Item } = await guarded('dynamodb', () =>
      dynamo().send(new GetCommand({ TableName: table(), Key: keys.resource(resourceId), ConsistentRead: true })),
    );
    if (!Item) return { status: 'not_found' } as const;
    const resource = toResource(Item);
    const outcome = change(resource.scopes);
    if ('status' in outcome) return outcome;
    const version = versionOf(Item);
    const condition =
      version === 0
        ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(scopesVersion)' }
        : { ConditionExpression: 'scopesVersion = :v', ExpressionAttributeValues: { ':v': version } };
    const written = { ...resource, scopes: outcome.scopes, scopesVersion: version + 1 };
    const committed = await transactWrite([
      { Put: { TableName: table(), Item: { ...Item, ...written }, ...condition } },
      {
        Put: {
          TableName: table(),
          Item: { ...keys.resourceByIndicator(resource.indicator), ...written },
          ...condition,
        },
      },
      auditPut(action, { resourceId, details: { scopeId: outcome.scope.id, name: outcome.scope.name } }, caller),
    ]);
    return committed.committed ? { status: 'ok' as const, value: outcome.value } : RETRY;
  });
}

export function addScope(
  caller: AuditCaller,
  resourceId: string,
  scope: ResourceScope,
): Promise<ScopeWrite<ResourceScope>> {
  return changeScopes<ResourceScope>(caller, resourceId, 'resource.scope_created', (scopes) =>
    scopes.some((each) => each.name === scope.name)
      ? { status: 'name_exists' }
      : { scopes: [...scopes, scope], value: scope, scope },
  );
}

export function updateScope(
  caller: AuditCaller,
  resourceId: string,
  scopeId: string,
  changes: { name?: string; description?: string | null },
): Promise<ScopeWrite<ResourceScope>> {
  return changeScopes<ResourceScope>(caller, resourceId, 'resource.scope_updated', (scopes) => {
    const current = scopes.find((each) => each.id === scopeId);
    if (!current) return { status: 'scope_not_found' };
    if (changes.name !== undefined && scopes.some((each) => each.name === changes.name && each.id !== scopeId)) {
      return { status: 'name_exists' };
    }
    const updated = {
      ...current,
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
    };
    return { scopes: scopes.map((each) => (each.id === scopeId ? updated : each)), value: updated, scope: updated };
  });
}

/** Roles that granted the scope keep a reference to nothing: it grants no scope from then on. */
export function deleteScope(caller: AuditCaller, resourceId: string, scopeId: string): Promise<ScopeWrite<true>> {
  return changeScopes<true>(caller, resourceId, 'resource.scope_deleted', (scopes) => {
    const scope = scopes.find((each) => each.id === scopeId);
    return scope
      ? { scopes: scopes.filter((each) => each.id !== scopeId), value: true as const, scope }
      : { status: 'scope_not_found' };
  });
}
