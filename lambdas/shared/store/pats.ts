/**
 * Personal access tokens and the user state they depend on. Each PAT is two items that must agree:
 * the PAT item (listed per user) and its hash lookup item (read by the token endpoint). Every write
 * touches both in one transaction, guarded by conditions.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import { guarded } from '../http/dependency-errors';
import { keys, patSortKeyPrefix } from './keys';
import { conditionalWrite } from './conditional';
import { chunk, optimistically, RETRY, transactWrite } from './transactions';

export interface Pat {
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number | null;
  scopes: string[] | null;
  lastUsedAt: number | null;
}

/** What the token endpoint reads, in one GetItem, for a PAT value's hash. */
export interface PatLookup {
  userId: string;
  name: string;
  expiresAt: number | null;
  scopes: string[] | null;
  suspended: boolean;
}

interface UserState {
  isSuspended: boolean;
  version: number;
}

/** Expired PATs stay listable (as expired) for this long before DynamoDB TTL removes both items. */
const EXPIRED_RETENTION_SECONDS = 30 * 24 * 3600;

const table = () => env.tableName();

function ttlFor(expiresAt: number | null): number | undefined {
  return expiresAt === null ? undefined : Math.ceil(expiresAt / 1000) + EXPIRED_RETENTION_SECONDS;
}

function toPat(item: Record<string, unknown>): Pat {
  return {
    userId: item.userId as string,
    name: item.name as string,
    tokenHash: item.tokenHash as string,
    createdAt: item.createdAt as number,
    expiresAt: (item.expiresAt as number | undefined) ?? null,
    scopes: (item.scopes as string[] | undefined) ?? null,
    lastUsedAt: (item.lastUsedAt as number | undefined) ?? null,
  };
}

async function getUserState(userId: string): Promise<UserState> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.user(userId), ConsistentRead: true })),
  );
  return { isSuspended: Boolean(Item?.isSuspended), version: (Item?.version as number | undefined) ?? 0 };
}

export async function getPat(userId: string, name: string): Promise<Pat | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.pat(userId, name), ConsistentRead: true })),
  );
  return Item ? toPat(Item) : undefined;
}

export async function listPats(userId: string): Promise<Pat[]> {
  const pats: Pat[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await guarded('dynamodb', () =>
      dynamo().send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': patSortKeyPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    pats.push(...(page.Items ?? []).map(toPat));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return pats.sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
}

export type CreatePatResult = 'created' | 'name_exists';

/**
 * Writes the PAT item, its hash lookup and a check that the user state did not change since it was
 * read; so a PAT created while the user is being suspended can never miss the suspended flag.
 */
export function createPat(pat: Omit<Pat, 'lastUsedAt'>): Promise<CreatePatResult> {
  return optimistically(async () => {
    const user = await getUserState(pat.userId);
    const ttl = ttlFor(pat.expiresAt);
    const outcome = await transactWrite([
      {
        Put: {
          TableName: table(),
          Item: { ...keys.pat(pat.userId, pat.name), ...pat, ttl },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: table(),
          Item: {
            ...keys.patHash(pat.tokenHash),
            userId: pat.userId,
            name: pat.name,
            expiresAt: pat.expiresAt,
            scopes: pat.scopes,
            suspended: user.isSuspended,
            userVersion: user.version,
            ttl,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        ConditionCheck: {
          TableName: table(),
          Key: keys.user(pat.userId),
          ConditionExpression: user.version === 0 ? 'attribute_not_exists(version)' : 'version = :version',
          ExpressionAttributeValues: user.version === 0 ? undefined : { ':version': user.version },
        },
      },
    ]);
    if (outcome.committed) return 'created';
    if (outcome.reasons[0] === 'ConditionalCheckFailed') return 'name_exists';
    // A 190-bit random value colliding (reason 1) is not a real possibility; user state changed (reason 2): re-read.
    if (outcome.reasons[2] !== 'ConditionalCheckFailed') throw new Error('PAT value collision');
    return RETRY;
  });
}

export type RenamePatResult = { status: 'renamed'; pat: Pat } | { status: 'not_found' } | { status: 'name_exists' };

export function renamePat(userId: string, currentName: string, newName: string): Promise<RenamePatResult> {
  return optimistically(async () => {
    const pat = await getPat(userId, currentName);
    if (!pat) return { status: 'not_found' };
    if (currentName === newName) return { status: 'renamed', pat };
    const renamed: Pat = { ...pat, name: newName };
    const outcome = await transactWrite([
      {
        Put: {
          TableName: table(),
          Item: { ...keys.pat(userId, newName), ...renamed, ttl: ttlFor(pat.expiresAt) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Delete: {
          TableName: table(),
          Key: keys.pat(userId, currentName),
          ConditionExpression: 'tokenHash = :hash',
          ExpressionAttributeValues: { ':hash': pat.tokenHash },
        },
      },
      {
        Update: {
          TableName: table(),
          Key: keys.patHash(pat.tokenHash),
          UpdateExpression: 'SET #name = :new',
          ConditionExpression: 'attribute_exists(pk) AND #name = :current',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':new': newName, ':current': currentName },
        },
      },
    ]);
    if (outcome.committed) return { status: 'renamed', pat: renamed };
    if (outcome.reasons[0] === 'ConditionalCheckFailed') return { status: 'name_exists' };
    // The PAT changed under us (deleted or renamed concurrently): look again.
    return RETRY;
  });
}

function deleteActions(pat: Pat) {
  return [
    {
      Delete: {
        TableName: table(),
        Key: keys.pat(pat.userId, pat.name),
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':hash': pat.tokenHash },
      },
    },
    { Delete: { TableName: table(), Key: keys.patHash(pat.tokenHash) } },
  ];
}

export function deletePat(userId: string, name: string): Promise<boolean> {
  return optimistically(async () => {
    const pat = await getPat(userId, name);
    if (!pat) return false;
    const outcome = await transactWrite(deleteActions(pat));
    return outcome.committed ? true : RETRY;
  });
}

/** Deletes every PAT of the user, 50 PATs (100 items) per transaction; returns how many went. */
export async function deleteAllPats(userId: string): Promise<number> {
  let deleted = 0;
  return optimistically(async () => {
    const pats = await listPats(userId);
    if (pats.length === 0) return deleted;
    for (const batch of chunk(pats, 50)) {
      const outcome = await transactWrite(batch.flatMap(deleteActions));
      if (outcome.committed) deleted += batch.length;
    }
    // Look again: PATs renamed or created meanwhile must go too.
    return RETRY;
  });
}

/**
 * Sets the user's suspended flag and copies it onto every hash lookup item, stamped with the user
 * version so that concurrent suspend/unsuspend calls converge on the latest one.
 */
export async function setUserSuspended(userId: string, isSuspended: boolean): Promise<void> {
  const { Attributes } = await guarded('dynamodb', () =>
    dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.user(userId),
        UpdateExpression: 'SET isSuspended = :suspended, userId = :userId ADD version :one',
        ExpressionAttributeValues: { ':suspended': isSuspended, ':userId': userId, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  const version = Attributes?.version as number;
  const pats = await listPats(userId);
  await Promise.all(
    pats.map((pat) =>
      conditionalWrite(() =>
        dynamo().send(
          new UpdateCommand({
            TableName: table(),
            Key: keys.patHash(pat.tokenHash),
            UpdateExpression: 'SET suspended = :suspended, userVersion = :version',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(userVersion) OR userVersion < :version)',
            ExpressionAttributeValues: { ':suspended': isSuspended, ':version': version },
          }),
        ),
      ),
    ),
  );
}

export async function isUserSuspended(userId: string): Promise<boolean> {
  return (await getUserState(userId)).isSuspended;
}

/** The token endpoint's one read. Strongly consistent: a PAT deleted a moment ago must not work. */
export async function lookupPat(tokenHash: string): Promise<PatLookup | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.patHash(tokenHash), ConsistentRead: true })),
  );
  if (!Item) return undefined;
  return {
    userId: Item.userId as string,
    name: Item.name as string,
    expiresAt: (Item.expiresAt as number | null | undefined) ?? null,
    scopes: (Item.scopes as string[] | null | undefined) ?? null,
    suspended: Boolean(Item.suspended),
  };
}

/** Records use of a PAT; conditional on the hash so a renamed or deleted PAT is never resurrected. */
export async function touchPat(lookup: PatLookup, tokenHash: string, at: number): Promise<void> {
  await conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.pat(lookup.userId, lookup.name),
        UpdateExpression: 'SET lastUsedAt = :at',
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':at': at, ':hash': tokenHash },
      }),
    ),
  );
}
