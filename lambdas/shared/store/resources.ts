/**
 * API resources (RFC 8707 resource indicators). A resource is immutable once created, so the copy
 * keyed by indicator (read by the token endpoint) can never drift from the one keyed by id.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import { guarded } from '../aws/dependency-errors';
import { keys, listPartition } from './keys';
import { listByKind } from './list-index';
import { auditPut } from './audit';
import { optimistically, RETRY, transactWrite } from './transactions';
import type { ApiResource } from '../model/resource';

const table = () => env.tableName();

function toResource(item: Record<string, unknown>): ApiResource {
  return {
    id: item.id as string,
    name: item.name as string,
    indicator: item.indicator as string,
    accessTokenTtl: (item.accessTokenTtl as number | null | undefined) ?? null,
    scopes: (item.scopes as string[] | undefined) ?? [],
    createdAt: item.createdAt as number,
  };
}

export async function createResource(resource: ApiResource): Promise<'created' | 'indicator_exists'> {
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
    auditPut('resource.created', { resourceId: resource.id, details: { indicator: resource.indicator } }),
  ]);
  return outcome.committed ? 'created' : 'indicator_exists';
}

export async function getResource(id: string): Promise<ApiResource | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.resource(id) })),
  );
  return Item ? toResource(Item) : undefined;
}

export async function getResourceByIndicator(indicator: string): Promise<ApiResource | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.resourceByIndicator(indicator) })),
  );
  return Item ? toResource(Item) : undefined;
}

export async function listResources(): Promise<ApiResource[]> {
  return (await listByKind(listPartition.resource)).map(toResource);
}

export function deleteResource(id: string): Promise<boolean> {
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
      auditPut('resource.deleted', { resourceId: id, details: { indicator: resource.indicator } }),
    ]);
    return outcome.committed ? true : RETRY;
  });
}
