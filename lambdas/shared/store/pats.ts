/**
 * Personal access tokens. Each PAT is two items that must agree: the PAT item (listed per user) and its
 * hash lookup item (read by the token endpoint). Every write touches both in one transaction, guarded by
 * conditions, and checks the owner's user item so a PAT can't be created for a user being deleted.
 *
 * A PAT belongs to its owner's PAT epoch (model/user.ts). PAT items left from an ended epoch are
 * invisible, dead at the token endpoint, replaced when their name is reused, and removed by `purgePats`.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamo, dynamoDb } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import type { Pat, PatCredential } from '../model/pat';
import { LEGACY_PAT_EPOCH, type User, type UserStanding } from '../model/user';
import { conditionalWrite } from './conditional';
import { keys, patSortKeyPrefix } from './keys';
import { chunk, optimistically, RETRY, transactWrite, type TransactItems } from './transactions';
import { completePurge, getUser, purgeMarker, type PendingPurge } from './users';
import { randomString } from '../crypto/secrets';
import { auditPut, type AuditTarget } from './audit';

/** Expired PATs stay listable (as expired) for this long before DynamoDB TTL removes both items. */
const EXPIRED_RETENTION_SECONDS = 30 * 24 * 3600;

const table = () => env.tableName();

function ttlFor(expiresAt: number | null): number | undefined {
  return expiresAt === null ? undefined : Math.ceil(expiresAt / 1000) + EXPIRED_RETENTION_SECONDS;
}

const epochOf = (item: Record<string, unknown>) => (item.patEpoch as string | undefined) ?? LEGACY_PAT_EPOCH;

function toPat(item: Record<string, unknown>): Pat {
  return {
    id: (item.id as string | undefined) ?? null,
    userId: item.userId as string,
    name: item.name as string,
    tokenHash: item.tokenHash as string,
    createdAt: item.createdAt as number,
    expiresAt: (item.expiresAt as number | undefined) ?? null,
    scopes: (item.scopes as string[] | undefined) ?? null,
    lastUsedAt: (item.lastUsedAt as number | undefined) ?? null,
    patEpoch: epochOf(item),
  };
}

function patItems(pat: Pat) {
  const ttl = ttlFor(pat.expiresAt);
  return {
    pat: { ...keys.pat(pat.userId, pat.name), ...pat, ttl },
    lookup: {
      ...keys.patHash(pat.tokenHash),
      ...(pat.id ? { id: pat.id } : {}),
      userId: pat.userId,
      name: pat.name,
      expiresAt: pat.expiresAt,
      scopes: pat.scopes,
      patEpoch: pat.patEpoch,
      ttl,
    },
    /** By id, for introspection: exists exactly while the PAT does; renames don't touch it. */
    byId:
      pat.id === null
        ? undefined
        : {
            ...keys.patId(pat.id),
            userId: pat.userId,
            expiresAt: pat.expiresAt,
            patEpoch: pat.patEpoch,
            ttl,
          },
  };
}

export const newPatId = () => randomString(16);

const patTarget = (pat: Pat, details?: AuditTarget['details']): AuditTarget => ({
  userId: pat.userId,
  patName: pat.name,
  ...(pat.id ? { patId: pat.id } : {}),
  ...(details ? { details } : {}),
});

/** The owner must still be the user (and epoch) the caller read: no PAT for a user being deleted. */
function ownerUnchanged(owner: User) {
  return {
    ConditionCheck: {
      TableName: table(),
      Key: keys.user(owner.id),
      ConditionExpression: 'patEpoch = :epoch',
      ExpressionAttributeValues: { ':epoch': owner.patEpoch },
    },
  };
}

/** Any PAT item under the name, of any epoch (a leftover of an ended epoch is replaced, not a conflict). */
async function getPatItem(userId: string, name: string): Promise<Pat | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.pat(userId, name), ConsistentRead: true })),
  );
  return Item ? toPat(Item) : undefined;
}

/** The PAT of the user's current epoch under the name. */
export async function getPat(owner: User, name: string): Promise<Pat | undefined> {
  const pat = await getPatItem(owner.id, name);
  return pat?.patEpoch === owner.patEpoch ? pat : undefined;
}

/** Writes `pat` under its name: the slot must be empty or hold `leftover`, an ended epoch's PAT (removed). */
function occupy(pat: Pat, leftover: Pat | undefined): TransactItems {
  const items = patItems(pat);
  return [
    {
      Put: {
        TableName: table(),
        Item: items.pat,
        ConditionExpression: leftover ? 'tokenHash = :leftover' : 'attribute_not_exists(pk)',
        ExpressionAttributeValues: leftover ? { ':leftover': leftover.tokenHash } : undefined,
      },
    },
    ...(leftover ? [{ Delete: { TableName: table(), Key: keys.patHash(leftover.tokenHash) } }] : []),
    ...(leftover?.id ? [{ Delete: { TableName: table(), Key: keys.patId(leftover.id) } }] : []),
  ];
}

/** Every PAT item of the user, of the given epoch. */
async function queryPats(userId: string, patEpoch: string): Promise<Pat[]> {
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
    pats.push(...(page.Items ?? []).map(toPat).filter((pat) => pat.patEpoch === patEpoch));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return pats;
}

export async function listPats(owner: User): Promise<Pat[]> {
  return (await queryPats(owner.id, owner.patEpoch)).sort(
    (a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name),
  );
}

export type CreatePatResult = 'created' | 'name_exists' | 'owner_not_found';

export function createPat(pat: Omit<Pat, 'lastUsedAt' | 'patEpoch' | 'id'>): Promise<CreatePatResult> {
  return optimistically(async () => {
    const [owner, existing] = await Promise.all([getUser(pat.userId), getPatItem(pat.userId, pat.name)]);
    if (!owner) return 'owner_not_found';
    if (existing?.patEpoch === owner.patEpoch) return 'name_exists';
    const created: Pat = { ...pat, id: newPatId(), lastUsedAt: null, patEpoch: owner.patEpoch };
    const items = patItems(created);
    const outcome = await transactWrite([
      ownerUnchanged(owner),
      ...occupy(created, existing),
      { Put: { TableName: table(), Item: items.lookup, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: table(), Item: items.byId!, ConditionExpression: 'attribute_not_exists(pk)' } },
      auditPut('pat.created', patTarget(created)),
    ]);
    if (outcome.committed) return 'created';
    // The owner or the name's slot changed under us: look again. (A 190-bit value colliding is not a real possibility.)
    return RETRY;
  });
}

export type RenamePatResult =
  { status: 'renamed'; pat: Pat } | { status: 'not_found' } | { status: 'name_exists' } | { status: 'owner_not_found' };

export function renamePat(userId: string, currentName: string, newName: string): Promise<RenamePatResult> {
  return optimistically(async () => {
    const [owner, pat, target] = await Promise.all([
      getUser(userId),
      getPatItem(userId, currentName),
      currentName === newName ? undefined : getPatItem(userId, newName),
    ]);
    if (!owner) return { status: 'owner_not_found' };
    if (!pat || pat.patEpoch !== owner.patEpoch) return { status: 'not_found' };
    if (currentName === newName) return { status: 'renamed', pat };
    if (target?.patEpoch === owner.patEpoch) return { status: 'name_exists' };
    const renamed: Pat = { ...pat, name: newName };
    const outcome = await transactWrite([
      ownerUnchanged(owner),
      ...occupy(renamed, target),
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
      auditPut('pat.renamed', patTarget(renamed, { previousName: currentName })),
    ]);
    // Otherwise something changed under us (a concurrent rename, delete or new PAT): look again.
    return outcome.committed ? { status: 'renamed', pat: renamed } : RETRY;
  });
}

function deleteActions(pat: Pat): TransactItems {
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
    ...(pat.id ? [{ Delete: { TableName: table(), Key: keys.patId(pat.id) } }] : []),
  ];
}

export type DeletePatResult = 'deleted' | 'not_found' | 'owner_not_found';

export function deletePat(userId: string, name: string): Promise<DeletePatResult> {
  return optimistically(async () => {
    const [owner, pat] = await Promise.all([getUser(userId), getPatItem(userId, name)]);
    if (!owner) return 'owner_not_found';
    if (!pat || pat.patEpoch !== owner.patEpoch) return 'not_found';
    const outcome = await transactWrite([...deleteActions(pat), auditPut('pat.deleted', patTarget(pat))]);
    return outcome.committed ? 'deleted' : RETRY;
  });
}

export const newPatEpoch = () => randomString(16);

/**
 * Revokes every PAT of the user with one transaction, however many there are: a new PAT epoch starts,
 * and the ended one is marked for `purgePats`. Returns the ended epoch, or undefined for no such user.
 */
export function revokeAllPats(userId: string, now: number): Promise<PendingPurge | undefined> {
  return optimistically(async () => {
    const owner = await getUser(userId);
    if (!owner) return undefined;
    const ended: PendingPurge = { userId, patEpoch: owner.patEpoch };
    const outcome = await transactWrite([
      {
        Update: {
          TableName: table(),
          Key: keys.user(userId),
          UpdateExpression: 'SET patEpoch = :new, updatedAt = :now',
          ConditionExpression: 'patEpoch = :epoch',
          ExpressionAttributeValues: { ':new': newPatEpoch(), ':epoch': owner.patEpoch, ':now': now },
        },
      },
      { Put: { TableName: table(), Item: purgeMarker(ended, now) } },
      auditPut('pat.revoked_all', { userId }, now),
    ]);
    return outcome.committed ? ended : RETRY;
  });
}

/** PATs removed per transaction (up to three items each; a transaction holds at most 100). */
const PURGE_BATCH = 33;

/**
 * Removes at most `maxPats` PATs of an ended epoch (the writes are bounded; the reads are a Query of the
 * user's PATs); when none are left, the marker goes too. Returns whether the purge is complete.
 * Safe to run concurrently and repeatedly: every delete is conditional.
 */
export async function purgePats(purge: PendingPurge, maxPats: number): Promise<boolean> {
  const ended = await queryPats(purge.userId, purge.patEpoch);
  let complete = ended.length <= maxPats;
  for (const batch of chunk(ended.slice(0, maxPats), PURGE_BATCH)) {
    // A condition failing means a PAT was replaced meanwhile; the next run looks again.
    if (!(await transactWrite(batch.flatMap(deleteActions))).committed) complete = false;
  }
  if (complete) await completePurge(purge);
  return complete;
}

/** An attribute value as the low-level client returns it (the token path skips the document client's marshalling). */
type Attribute = AttributeValue | undefined;
const text = (value: Attribute) => value?.S;
const number = (value: Attribute) => (value?.N === undefined ? null : Number(value.N));
const texts = (value: Attribute) => value?.L?.map((entry) => entry.S!) ?? null;

function getForTokenPath(key: { pk: string; sk: string }, projection?: string) {
  return guarded('dynamodb', () =>
    dynamoDb().send(
      new GetItemCommand({
        TableName: table(),
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
        ProjectionExpression: projection,
      }),
    ),
  );
}

/** The token endpoint's first read. Strongly consistent: a PAT deleted a moment ago must not work. */
export async function lookupPat(tokenHash: string): Promise<PatCredential | undefined> {
  const { Item } = await getForTokenPath(keys.patHash(tokenHash));
  if (!Item) return undefined;
  return {
    id: text(Item.id) ?? null,
    userId: text(Item.userId)!,
    name: text(Item.name)!,
    expiresAt: number(Item.expiresAt),
    scopes: texts(Item.scopes),
    patEpoch: text(Item.patEpoch) ?? LEGACY_PAT_EPOCH,
  };
}

/** The token endpoint's second read, beside Sign: the owner's standing, strongly consistent. */
export async function getUserStanding(userId: string): Promise<UserStanding | undefined> {
  const { Item } = await getForTokenPath(keys.user(userId), 'patEpoch, isSuspended, createdAt');
  const patEpoch = text(Item?.patEpoch);
  if (patEpoch === undefined) return undefined;
  return { patEpoch, isSuspended: Item?.isSuspended?.BOOL === true, createdAt: number(Item?.createdAt) ?? undefined };
}

/** Records use of a PAT; conditional on the hash so a renamed or deleted PAT is never resurrected. */
export async function touchPat(credential: PatCredential, tokenHash: string, at: number): Promise<void> {
  await conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.pat(credential.userId, credential.name),
        UpdateExpression: 'SET lastUsedAt = :at',
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':at': at, ':hash': tokenHash },
      }),
    ),
  );
}

/**
 * Deletes the PAT with this value's hash, whoever owns it, with its audit event (revocation by value:
 * RFC 7009 and the public leaked-credential endpoint). Returns whether a PAT was deleted.
 */
export function revokePatByHash(
  tokenHash: string,
  action: 'pat.revoked' | 'pat.revoked_public',
  details?: AuditTarget['details'],
): Promise<boolean> {
  return optimistically(async () => {
    const credential = await lookupPat(tokenHash);
    if (!credential) return false;
    const pat = await getPatItem(credential.userId, credential.name);
    // A lookup without its PAT item can't be (they are written together); a renamed PAT moved meanwhile.
    if (!pat || pat.tokenHash !== tokenHash) return RETRY;
    const outcome = await transactWrite([...deleteActions(pat), auditPut(action, patTarget(pat, details))]);
    return outcome.committed ? true : RETRY;
  });
}
