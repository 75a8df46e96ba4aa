import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import { guarded } from '../aws/dependency-errors';
import { GSI1 } from './keys';

type Item = Record<string, unknown>;

/** Every item a Query matches, page after page (the table name is filled in). */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await guarded('dynamodb', () =>
      dynamo().send(new QueryCommand({ ...input, TableName: env.tableName(), ExclusiveStartKey: startKey })),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** All items of one kind, oldest first, from the listing index. */
export function listByKind(kind: string): Promise<Item[]> {
  return queryAll({
    IndexName: GSI1,
    KeyConditionExpression: 'gsi1pk = :kind',
    ExpressionAttributeValues: { ':kind': kind },
  });
}
