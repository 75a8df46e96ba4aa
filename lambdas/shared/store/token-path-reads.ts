/**
 * The token endpoint's reads: strongly consistent (a PAT deleted, a user suspended, a role or a member removed
 * a moment ago must not work), through the low-level client with the few attributes mapped by hand. The
 * document client's marshalling costs ~0.1 ms of CPU per call, on a path whose whole budget is a few.
 *
 * A store describes each read as an `ItemRead` (key, attributes, mapping); items read in the same round trip
 * go in one BatchGetItem: every AWS call costs ~0.3 ms of CPU (SDK pipeline, SigV4, socket writes).
 */
import {
  BatchGetItemCommand,
  GetItemCommand,
  type AttributeValue,
  type BatchGetItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoDb } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import { jitteredBackoff, readUnprocessedAgain, type UnprocessedRetries } from './unprocessed-keys';

export type Item = Record<string, AttributeValue>;
type Attribute = AttributeValue | undefined;
type Key = { pk: string; sk: string };

/** A table key in the low-level client's attribute format. */
export const itemKey = (key: Key): Item => ({ pk: { S: key.pk }, sk: { S: key.sk } });

export const text = (value: Attribute) => value?.S;
export const number = (value: Attribute) => (value?.N === undefined ? null : Number(value.N));
/** A list of strings, as the document client writes a JavaScript string array. */
export const texts = (value: Attribute) => value?.L?.map((entry) => entry.S!) ?? null;

/**
 * A mapping for items whose stores map them in the document client's form (every attribute read): the item
 * unmarshalled, then mapped; undefined where there is no item.
 */
export const unmarshalledAs =
  <T>(map: (item: Record<string, unknown>) => T) =>
  (item: Item | undefined): T | undefined =>
    item ? map(unmarshall(item)) : undefined;

/** One item as a store reads it: the key, the attributes its mapping uses (every one when omitted), the mapping. */
export interface ItemRead<T> {
  key: Key;
  attributes?: readonly string[];
  map: (item: Item | undefined) => T;
}

const projection = (attributes: readonly string[] | undefined) => attributes?.join(', ');

export async function consistentGet(key: Key, attributes?: readonly string[]): Promise<Item | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamoDb().send(
      new GetItemCommand({
        TableName: env.tableName(),
        Key: itemKey(key),
        ConsistentRead: true,
        ProjectionExpression: projection(attributes),
      }),
    ),
  );
  return Item;
}

export async function consistentRead<T>(read: ItemRead<T>): Promise<T> {
  return read.map(await consistentGet(read.key, read.attributes));
}

/** Unprocessed keys are asked again after 5–10, 10–20 and 20–40 ms; then the exchange answers 503. */
const UNPROCESSED_RETRIES: UnprocessedRetries = { retries: 3, delayMs: jitteredBackoff(10) };

const keyString = (pk: string | undefined, sk: string | undefined) => `${pk}\n${sk}`;

/**
 * BatchGetItem of the reads' items (distinct, at most 100), strongly consistent, projecting the attributes any of
 * them maps (every attribute if one needs all) and the key attributes, which tell the answer's items apart.
 */
export function batchGetItemInput(table: string, reads: readonly ItemRead<unknown>[]) {
  const every = reads.every((read) => read.attributes);
  const attributes = every ? ['pk', 'sk', ...reads.flatMap((read) => read.attributes!)] : undefined;
  return {
    RequestItems: {
      [table]: {
        Keys: reads.map(({ key }) => itemKey(key)),
        ConsistentRead: true,
        ProjectionExpression: projection(attributes && [...new Set(attributes)]),
      },
    },
  } satisfies BatchGetItemCommandInput;
}

/** The reads' items in one BatchGetItem, in their order (undefined where none); unprocessed keys asked again. */
async function consistentBatchGet(reads: readonly ItemRead<unknown>[]): Promise<(Item | undefined)[]> {
  const table = env.tableName();
  const request = batchGetItemInput(table, reads).RequestItems[table]!;
  const items = await readUnprocessedAgain(
    request.Keys,
    async (pending) => {
      const { Responses, UnprocessedKeys } = await guarded('dynamodb', () =>
        dynamoDb().send(new BatchGetItemCommand({ RequestItems: { [table]: { ...request, Keys: [...pending] } } })),
      );
      return { items: Responses?.[table] ?? [], unprocessed: UnprocessedKeys?.[table]?.Keys ?? [] };
    },
    UNPROCESSED_RETRIES,
  );
  const byKey = new Map(items.map((item) => [keyString(item.pk?.S, item.sk?.S), item]));
  return reads.map(({ key }) => byKey.get(keyString(key.pk, key.sk)));
}

type ReadResult<R> = R extends ItemRead<infer T> ? T : undefined;
type ReadResults<T> = { [Name in keyof T]: ReadResult<T[Name]> };

/**
 * Several stores' items in one AWS call: a GetItem for a single item, else a BatchGetItem. A name given no read
 * (undefined) gets undefined.
 */
export async function consistentReadAll<T extends Record<string, ItemRead<unknown> | undefined>>(
  reads: T,
): Promise<ReadResults<T>> {
  const wanted = Object.entries(reads).filter((entry): entry is [string, ItemRead<unknown>] => entry[1] !== undefined);
  const results: Record<string, unknown> = Object.fromEntries(Object.keys(reads).map((name) => [name, undefined]));
  if (wanted.length === 1) {
    const [name, read] = wanted[0]!;
    results[name] = await consistentRead(read);
  } else if (wanted.length > 1) {
    const items = await consistentBatchGet(wanted.map(([, read]) => read));
    wanted.forEach(([name, read], index) => (results[name] = read.map(items[index])));
  }
  return results as ReadResults<T>;
}
