/**
 * The token endpoint's reads: single items, strongly consistent (a PAT deleted, a user suspended, a role or a member
 * removed a moment ago must not work), through the low-level client with the few attributes mapped by hand. The
 * document client's marshalling costs ~0.1 ms of CPU per call, on a path whose whole budget is a few.
 */
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';

export type Item = Record<string, AttributeValue>;
type Attribute = AttributeValue | undefined;

export const text = (value: Attribute) => value?.S;
export const number = (value: Attribute) => (value?.N === undefined ? null : Number(value.N));
/** A list of strings, as the document client writes a JavaScript string array. */
export const texts = (value: Attribute) => value?.L?.map((entry) => entry.S!) ?? null;

export async function consistentGet(key: { pk: string; sk: string }, projection?: string): Promise<Item | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamoDb().send(
      new GetItemCommand({
        TableName: env.tableName(),
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
        ProjectionExpression: projection,
      }),
    ),
  );
  return Item;
}
