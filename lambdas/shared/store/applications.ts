/** Applications (OAuth clients) that may call the token endpoint. */
import { GetCommand, PutCommand, UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { guarded, toDependencyError } from '../aws/dependency-errors';
import { conditionalWrite } from './conditional';
import { keys, listPartition } from './keys';
import { listByKind } from './list-index';
import type { Application, ApplicationType } from '../model/application';

const table = () => env.tableName();

function toApplication(item: Record<string, unknown>): Application {
  return {
    id: item.id as string,
    name: item.name as string,
    description: (item.description as string | null | undefined) ?? null,
    type: item.type as ApplicationType,
    secretHash: (item.secretHash as string | null | undefined) ?? null,
    allowTokenExchange: Boolean(item.allowTokenExchange),
    createdAt: item.createdAt as number,
  };
}

export async function putApplication(app: Application): Promise<void> {
  await guarded('dynamodb', () =>
    dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...keys.application(app.id),
          gsi1pk: listPartition.application,
          gsi1sk: `${app.createdAt}#${app.id}`,
          ...app,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

export async function getApplication(id: string): Promise<Application | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.application(id) })),
  );
  return Item ? toApplication(Item) : undefined;
}

export async function listApplications(): Promise<Application[]> {
  return (await listByKind(listPartition.application)).map(toApplication);
}

export async function updateApplication(
  id: string,
  changes: Partial<Pick<Application, 'name' | 'description' | 'allowTokenExchange'>>,
): Promise<Application | undefined> {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return getApplication(id);
  const names = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
  const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
  try {
    const { Attributes } = await dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.application(id),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? toApplication(Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw toDependencyError('dynamodb', error);
  }
}

export async function deleteApplication(id: string): Promise<boolean> {
  return conditionalWrite(() =>
    dynamo().send(
      new DeleteCommand({ TableName: table(), Key: keys.application(id), ConditionExpression: 'attribute_exists(pk)' }),
    ),
  );
}
