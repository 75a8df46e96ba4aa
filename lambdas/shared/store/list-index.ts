import { QueryCommand as LowLevelQueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamo, dynamoDb } from '../aws/dynamodb';
import { env } from '../config';
import { guarded } from '../aws/dependency-errors';
import { GSI1 } from './keys';

type Item = Record<string, unknown>;

/**
 * Reads page after page, each from where the last one ended (`readPage` gets its `LastEvaluatedKey`), until the last
 * page or until `enough` items are in (`more` then says whether it stopped early).
 */
export async function readPages<T, K>(
  readPage: (startKey: K | undefined) => Promise<{ Items?: T[]; LastEvaluatedKey?: K }>,
  enough = Infinity,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let startKey: K | undefined;
  do {
    const page = await guarded('dynamodb', () => readPage(startKey));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < enough);
  return { items, more: startKey !== undefined };
}

/** Every item a Query matches, page after page (the table name is filled in). */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const { items } = await readPages((startKey: Item | undefined) =>
    dynamo().send(new QueryCommand({ ...input, TableName: env.tableName(), ExclusiveStartKey: startKey })),
  );
  return items;
}

/**
 * All items of one kind, oldest first, from the listing index. Through the low-level client, like the token path's
 * other reads: the token function loads its role definitions with it, and would otherwise start the document client
 * (a client of its own, with its own first-call set-up and connections) on a cold start for this one Query.
 */
export async function listByKind(kind: string): Promise<Item[]> {
  const { items } = await readPages((startKey: Record<string, AttributeValue> | undefined) =>
    dynamoDb().send(
      new LowLevelQueryCommand({
        TableName: env.tableName(),
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :kind',
        ExpressionAttributeValues: { ':kind': { S: kind } },
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  return items.map((item) => unmarshall(item));
}
