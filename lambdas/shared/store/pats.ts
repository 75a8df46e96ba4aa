/**
 * Personal access tokens. Each PAT is two items that must agree: the PAT item (listed per user) and its
 * hash lookup item (read by the token endpoint). Every write touches both in one transaction, guarded by
 * conditions, and checks the owner's user item so a PAT can't be created for a user being deleted.
 *
 * A PAT belongs to its owner's PAT epoch (model/user.ts). PAT items left from an ended epoch are
 * invisible, dead at the token endpoint, replaced when their name is reused, and removed by `purgePats`.
 */
import { GetCommand, TransactGetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException, TransactWriteItemsCommand, type Update } from '@aws-sdk/client-dynamodb';
import { dynamo, dynamoDb } from '../aws/dynamodb';
import { guarded, toDependencyError } from '../aws/dependency-errors';
import { env } from '../config';
import { isLive, valueIssuedAt, type Pat, type PatCredential } from '../model/pat';
import { LEGACY_PAT_EPOCH, type User, type UserStanding } from '../model/user';
import { keys, patSortKeyPrefix } from './keys';
import { queryAll } from './list-index';
import { cancellationCodes, chunk, optimistically, RETRY, transactWrite, type TransactItems } from './transactions';
import { completePurge, getUser, purgeMarker, type PendingPurge } from './users';
import { randomString } from '../crypto/secrets';
import { auditPut, type AuditCaller, type AuditTarget } from './audit';
import { consistentRead, itemKey, number, text, texts, unmarshalledAs, type ItemRead } from './token-path-reads';

/** Expired PATs stay listable (as expired) for this long before DynamoDB TTL removes both items. */
const EXPIRED_RETENTION_SECONDS = 30 * 24 * 3600;

const table = () => env.tableName();

function ttlFor(expiresAt: number | null): number | undefined {
  return expiresAt === null ? undefined : Math.ceil(expiresAt / 1000) + EXPIRED_RETENTION_SECONDS;
}

const epochOf = (item: Record<string, unknown>) => (item.patEpoch as string | undefined) ?? LEGACY_PAT_EPOCH;

export function toPat(item: Record<string, unknown>): Pat {
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
    lastClientId: (item.lastClientId as string | undefined) ?? null,
    lastSourceIp: (item.lastSourceIp as string | undefined) ?? null,
    rotatedAt: (item.rotatedAt as number | undefined) ?? null,
    previousHash: (item.previousHash as string | undefined) ?? null,
    previousGraceUntil: (item.previousGraceUntil as number | undefined) ?? null,
    revokedAt: (item.revokedAt as number | undefined) ?? null,
    revokedReason: (item.revokedReason as string | undefined) ?? null,
    expiryNoticeLevel: (item.expiryNoticeLevel as number | undefined) ?? null,
  };
}

/** Fields added with rotation and last-use detail are stored only when set (conditions test their existence). */
const OPTIONAL_FIELDS = [
  'lastClientId',
  'lastSourceIp',
  'rotatedAt',
  'previousHash',
  'previousGraceUntil',
  'revokedAt',
  'revokedReason',
  'expiryNoticeLevel',
] as const;

function patItems(pat: Pat) {
  const ttl = ttlFor(pat.expiresAt);
  const stored: Record<string, unknown> = { ...pat };
  for (const field of OPTIONAL_FIELDS) if (stored[field] === null) delete stored[field];
  return {
    pat: {
      ...keys.pat(pat.userId, pat.name),
      ...stored,
      ...(pat.expiresAt === null ? {} : keys.patExpiry(pat.expiresAt)),
      ttl,
    },
    lookup: {
      ...keys.patHash(pat.tokenHash),
      ...(pat.id ? { id: pat.id } : {}),
      userId: pat.userId,
      name: pat.name,
      expiresAt: pat.expiresAt,
      scopes: pat.scopes,
      patEpoch: pat.patEpoch,
      issuedAt: valueIssuedAt(pat),
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
export async function getPatItem(userId: string, name: string): Promise<Pat | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.pat(userId, name), ConsistentRead: true })),
  );
  return Item ? toPat(Item) : undefined;
}

/** A PAT item as read with others in one request (self-service reads it with its owner: token/self-service.ts). */
export const patItemRead = (userId: string, name: string): ItemRead<Pat | undefined> => ({
  key: keys.pat(userId, name),
  map: unmarshalledAs(toPat),
});

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
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': patSortKeyPrefix },
    ConsistentRead: true,
  });
  return items.map(toPat).filter((pat) => pat.patEpoch === patEpoch);
}

export async function listPats(owner: User): Promise<Pat[]> {
  return (await queryPats(owner.id, owner.patEpoch)).sort(
    (a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name),
  );
}

/** maxPerUser: how many live PATs (model/pat.ts isLive, at `now`) the owner may have. */
export interface PatLimit {
  maxPerUser: number;
  now: number;
}

/**
 * maxPerUser's guard: a nonce every write that may add a live PAT under a limit replaces (conditionally, in its
 * transaction), and the sort keys of the PATs those writes made live. The tracked PATs are read in one
 * TransactGetItems with the guard, a snapshot serializable with transactions, so a creation committed before
 * the count is seen in full; PATs from before the guard are counted from a Query (committed long before).
 */
interface PatGuard {
  nonce: string | undefined;
  tracked: string[];
}

async function readPatGuard(userId: string): Promise<PatGuard> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.patGuard(userId), ConsistentRead: true })),
  );
  return { nonce: Item?.nonce as string | undefined, tracked: (Item?.tracked as string[] | undefined) ?? [] };
}

/** TransactGetItems reads at most 100 items: the guard and 99 PATs. */
const SNAPSHOT_PATS = 99;

/** The tracked PAT items as of the guard's nonce, or undefined when the guard moved on meanwhile. */
async function trackedSnapshot(userId: string, guard: PatGuard): Promise<(Pat | undefined)[] | undefined> {
  const pk = keys.user(userId).pk;
  const snapshot: (Pat | undefined)[] = [];
  for (const sks of chunk(guard.tracked, SNAPSHOT_PATS)) {
    let responses;
    try {
      ({ Responses: responses } = await dynamo().send(
        new TransactGetCommand({
          TransactItems: [keys.patGuard(userId), ...sks.map((sk) => ({ pk, sk }))].map((Key) => ({
            Get: { TableName: table(), Key },
          })),
        }),
      ));
    } catch (error) {
      // A transaction was writing one of the items: read again.
      if (error instanceof TransactionCanceledException) return undefined;
      throw toDependencyError('dynamodb', error);
    }
    const [guardItem, ...pats] = (responses ?? []).map((response) => response.Item);
    if (guardItem?.nonce !== guard.nonce) return undefined;
    snapshot.push(...pats.map((item) => (item ? toPat(item) : undefined)));
  }
  return snapshot;
}

/** Random, not a counter: TTL may remove the item, and a restarted counter could come back to a value read before. */
function patGuardAdvance(userId: string, nonce: string | undefined, tracked: string[], now: number) {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.patGuard(userId), nonce: randomString(16), tracked, ttl: Math.ceil(now / 1000) + 86400 },
      ConditionExpression: nonce === undefined ? 'attribute_not_exists(pk)' : 'nonce = :nonce',
      ExpressionAttributeValues: nonce === undefined ? undefined : { ':nonce': nonce },
    },
  };
}

const patSk = (pat: Pat) => keys.pat(pat.userId, pat.name).sk;

/**
 * Under a limit: the owner's live PATs other than `except` (the one a rotation revives or a rename moves) are
 * counted, and the write that makes `becomesLive` live advances the guard, so of writes racing at the limit
 * exactly as many as fit commit. Returns undefined when the guard moved while reading (look again).
 */
async function checkLimit(
  owner: User,
  limit: PatLimit | undefined,
  becomesLive: Pat,
  except?: Pat,
): Promise<{ guard: TransactItems } | { tooMany: number } | undefined> {
  if (!limit) return { guard: [] };
  const guard = await readPatGuard(owner.id);
  const tracked = await trackedSnapshot(owner.id, guard);
  if (!tracked) return undefined;
  const trackedSks = new Set(guard.tracked);
  const untracked = (await queryPats(owner.id, owner.patEpoch)).filter((pat) => !trackedSks.has(patSk(pat)));
  const live = [...tracked, ...untracked].filter(
    (pat): pat is Pat =>
      pat !== undefined &&
      pat.patEpoch === owner.patEpoch &&
      isLive(pat, limit.now) &&
      (except === undefined || patSk(pat) !== patSk(except)),
  );
  if (live.length >= limit.maxPerUser) {
    // A refusal has no transaction to check the guard: the snapshot and the query may straddle a write (a rename
    // seen as its old name in one and its new name in the other counts twice), so it stands only if the guard
    // did not move.
    return (await readPatGuard(owner.id)).nonce === guard.nonce ? { tooMany: live.length } : undefined;
  }
  const stillTracked = live.map(patSk).filter((sk) => trackedSks.has(sk));
  return { guard: [patGuardAdvance(owner.id, guard.nonce, [...stillTracked, patSk(becomesLive)], limit.now)] };
}

export type CreatePatResult = 'created' | 'name_exists' | 'owner_not_found' | { tooMany: number };

export function createPat(
  caller: AuditCaller,
  pat: Omit<Pat, 'lastUsedAt' | 'patEpoch' | 'id'>,
  limit?: PatLimit,
): Promise<CreatePatResult> {
  return optimistically(async () => {
    const [owner, existing] = await Promise.all([getUser(pat.userId), getPatItem(pat.userId, pat.name)]);
    if (!owner) return 'owner_not_found';
    if (existing?.patEpoch === owner.patEpoch) return 'name_exists';
    const created: Pat = { ...pat, id: newPatId(), lastUsedAt: null, patEpoch: owner.patEpoch };
    const checked = await checkLimit(owner, limit, created);
    if (!checked) return RETRY;
    if ('tooMany' in checked) return { tooMany: checked.tooMany };
    const items = patItems(created);
    const outcome = await transactWrite([
      ownerUnchanged(owner),
      ...occupy(created, existing),
      { Put: { TableName: table(), Item: items.lookup, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: table(), Item: items.byId!, ConditionExpression: 'attribute_not_exists(pk)' } },
      auditPut('pat.created', patTarget(created), caller),
      ...checked.guard,
    ]);
    if (outcome.committed) return 'created';
    // The owner, the name's slot or the count changed under us: look again. (A 190-bit value colliding is not a real possibility.)
    return RETRY;
  });
}

export type RenamePatResult =
  { status: 'renamed'; pat: Pat } | { status: 'not_found' } | { status: 'name_exists' } | { status: 'owner_not_found' };

/** Under a limit, a rename moves the PAT's place in the guard (and advances it): the count reads PATs by sort key. */
export function renamePat(
  caller: AuditCaller,
  userId: string,
  currentName: string,
  newName: string,
  limit?: PatLimit,
): Promise<RenamePatResult> {
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
    const guard = limit ? await readPatGuard(userId) : undefined;
    const moved = guard && [...guard.tracked.filter((sk) => sk !== patSk(pat)), patSk(renamed)];
    const outcome = await transactWrite([
      ownerUnchanged(owner),
      ...(guard ? [patGuardAdvance(userId, guard.nonce, moved!, limit!.now)] : []),
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
      auditPut('pat.renamed', patTarget(renamed, { previousName: currentName }), caller),
      ...(pat.previousHash ? [renamedRotatedOut(pat.previousHash, newName)] : []),
    ]);
    // Otherwise something changed under us (a concurrent rename, delete or new PAT): look again.
    return outcome.committed ? { status: 'renamed', pat: renamed } : RETRY;
  });
}

/** The rotated-out value's lookup item follows its PAT's name (if it is still there: TTL may have taken it). */
function renamedRotatedOut(previousHash: string, newName: string) {
  return {
    Update: {
      TableName: table(),
      Key: keys.patHash(previousHash),
      UpdateExpression: 'SET #name = :new',
      ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(rotatedOut)',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':new': newName },
    },
  };
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
    ...(pat.previousHash ? [{ Delete: { TableName: table(), Key: keys.patHash(pat.previousHash) } }] : []),
  ];
}

export type DeletePatResult = 'deleted' | 'not_found' | 'owner_not_found';

export function deletePat(caller: AuditCaller, userId: string, name: string): Promise<DeletePatResult> {
  return optimistically(async () => {
    const [owner, pat] = await Promise.all([getUser(userId), getPatItem(userId, name)]);
    if (!owner) return 'owner_not_found';
    if (!pat || pat.patEpoch !== owner.patEpoch) return 'not_found';
    const outcome = await transactWrite([...deleteActions(pat), auditPut('pat.deleted', patTarget(pat), caller)]);
    return outcome.committed ? 'deleted' : RETRY;
  });
}

export const newPatEpoch = () => randomString(16);

/**
 * Revokes every PAT of the user with one transaction, however many there are: a new PAT epoch starts,
 * and the ended one is marked for `purgePats`. Returns the ended epoch, or undefined for no such user.
 */
export function revokeAllPats(caller: AuditCaller, userId: string, now: number): Promise<PendingPurge | undefined> {
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
      auditPut('pat.revoked_all', { userId }, caller, now),
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

/** The token endpoint's first read. Strongly consistent: a PAT deleted a moment ago must not work. */
export const patLookupRead = (tokenHash: string): ItemRead<PatCredential | undefined> => ({
  key: keys.patHash(tokenHash),
  map: (item) =>
    item && {
      id: text(item.id) ?? null,
      userId: text(item.userId)!,
      name: text(item.name)!,
      expiresAt: number(item.expiresAt),
      scopes: texts(item.scopes),
      patEpoch: text(item.patEpoch) ?? LEGACY_PAT_EPOCH,
      issuedAt: number(item.issuedAt),
      lastUsedAt: number(item.lastUsedAt),
      ...(item.rotatedOut?.BOOL ? { rotatedOut: { graceUntil: number(item.graceUntil)! } } : {}),
    },
});

export const lookupPat = (tokenHash: string) => consistentRead(patLookupRead(tokenHash));

/**
 * The token endpoint's second read, beside Sign (with the owner's assignments when the request needs them): the
 * owner's standing, strongly consistent.
 */
export const userStandingRead = (userId: string): ItemRead<UserStanding | undefined> => ({
  key: keys.user(userId),
  attributes: ['patEpoch', 'isSuspended', 'createdAt'],
  map: (item) => {
    const patEpoch = text(item?.patEpoch);
    if (patEpoch === undefined) return undefined;
    return { patEpoch, isSuspended: item?.isSuspended?.BOOL === true, createdAt: number(item?.createdAt) ?? undefined };
  },
});

export const getUserStanding = (userId: string) => consistentRead(userStandingRead(userId));

export interface PatUse {
  at: number;
  clientId: string;
  sourceIp: string | null;
}

/**
 * Records use of a PAT on its item (time, client, source IP) and on the lookup item (time, for the
 * unused-PAT policy the token endpoint checks), in one transaction. Conditional on the hash so a renamed,
 * rotated or deleted PAT is never resurrected; a rotated-out value in its grace records nothing.
 * On the token path, so through the low-level client like its reads (token-path-reads.ts): on a container's
 * first exchange the document client would be a second client, with connections of its own to open. One request,
 * not an UpdateItem per item: written beside Sign and the owner's read, on a cold container each parallel request
 * opens a connection (a TLS handshake) of its own. Both conditions fail together (rotation and deletion change both
 * items in one transaction), so atomicity changes nothing but that; the price is 2 WCU more per write, about once
 * per PAT per LAST_USED_INTERVAL_SECONDS (token/last-used.ts).
 */
export async function touchPat(credential: PatCredential, tokenHash: string, use: PatUse): Promise<void> {
  if (credential.rotatedOut) return;
  const at = { N: String(use.at) };
  const update = (key: { pk: string; sk: string }, rest: Omit<Update, 'TableName' | 'Key'>) => ({
    Update: { TableName: table(), Key: itemKey(key), ...rest },
  });
  try {
    await dynamoDb().send(
      new TransactWriteItemsCommand({
        TransactItems: [
          update(keys.pat(credential.userId, credential.name), {
            UpdateExpression: 'SET lastUsedAt = :at, lastClientId = :client, lastSourceIp = :ip',
            ConditionExpression: 'tokenHash = :hash',
            ExpressionAttributeValues: {
              ':at': at,
              ':hash': { S: tokenHash },
              ':client': { S: use.clientId },
              ':ip': use.sourceIp === null ? { NULL: true } : { S: use.sourceIp },
            },
          }),
          update(keys.patHash(tokenHash), {
            UpdateExpression: 'SET lastUsedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rotatedOut)',
            ExpressionAttributeValues: { ':at': at },
          }),
        ],
      }),
    );
  } catch (error) {
    // Renamed, rotated or deleted meanwhile: nothing to record. Anything else (a conflict with a concurrent write to
    // the PAT included) is the caller's to log; the next exchange records the use.
    if (cancellationCodes(error)?.includes('ConditionalCheckFailed')) return;
    throw toDependencyError('dynamodb', error);
  }
}

/** Rotated-out lookup items are kept this long after their grace, so reuse is still detected. */
const REUSE_DETECTION_SECONDS = 30 * 24 * 3600;

export type RotatePatResult =
  | { status: 'rotated'; pat: Pat }
  | { status: 'not_found' }
  | { status: 'owner_not_found' }
  | { status: 'revoked' }
  | { status: 'too_many'; live: number };

/**
 * Gives the PAT a new value, in one transaction: the PAT item takes the new hash (and expiry), the new
 * value's lookup item is written, and the old one becomes a rotated-out item that works until
 * `graceUntil` and links to the PAT (userId, name). A value rotated out earlier loses what is left of
 * its grace: at most one old value works at a time.
 */
export function rotatePat(
  caller: AuditCaller,
  userId: string,
  name: string,
  rotation: { tokenHash: string; expiresAt: (pat: Pat) => number | null; now: number; graceMs: number },
  limit?: PatLimit,
): Promise<RotatePatResult> {
  return optimistically(async () => {
    const [owner, pat] = await Promise.all([getUser(userId), getPatItem(userId, name)]);
    if (!owner) return { status: 'owner_not_found' };
    if (!pat || pat.patEpoch !== owner.patEpoch) return { status: 'not_found' };
    if (pat.revokedAt) return { status: 'revoked' };
    // Rotating an expired PAT brings it back to life: that counts against the limit like a creation.
    const checked = isLive(pat, rotation.now) ? { guard: [] } : await checkLimit(owner, limit, pat, pat);
    if (!checked) return RETRY;
    if ('tooMany' in checked) return { status: 'too_many', live: checked.tooMany };
    const { now } = rotation;
    const graceUntil = now + rotation.graceMs;
    // A new value is a new credential: a new id, so tokens of the rotated-out value introspect inactive.
    const rotated: Pat = {
      ...pat,
      id: newPatId(),
      tokenHash: rotation.tokenHash,
      expiresAt: rotation.expiresAt(pat),
      rotatedAt: now,
      previousHash: pat.tokenHash,
      previousGraceUntil: graceUntil,
    };
    // A new expiry gets its own notices.
    if (rotated.expiresAt !== pat.expiresAt) rotated.expiryNoticeLevel = null;
    const items = patItems(rotated);
    const outcome = await transactWrite([
      ownerUnchanged(owner),
      {
        Put: {
          TableName: table(),
          Item: items.pat,
          ConditionExpression: 'tokenHash = :old AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':old': pat.tokenHash },
        },
      },
      { Put: { TableName: table(), Item: items.lookup, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: table(), Item: items.byId!, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...(pat.id ? [{ Delete: { TableName: table(), Key: keys.patId(pat.id) } }] : []),
      auditPut('pat.rotated', patTarget(rotated, { previousPatId: pat.id, graceUntil }), caller, now),
      {
        Update: {
          TableName: table(),
          Key: keys.patHash(pat.tokenHash),
          UpdateExpression: 'SET rotatedOut = :true, graceUntil = :grace, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rotatedOut)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':true': true,
            ':grace': graceUntil,
            ':ttl': Math.ceil(graceUntil / 1000) + REUSE_DETECTION_SECONDS,
          },
        },
      },
      ...(pat.previousHash && pat.previousGraceUntil && pat.previousGraceUntil > now
        ? [
            {
              Update: {
                TableName: table(),
                Key: keys.patHash(pat.previousHash),
                UpdateExpression: 'SET graceUntil = :now',
                ConditionExpression: 'attribute_exists(rotatedOut)',
                ExpressionAttributeValues: { ':now': now },
              },
            },
          ]
        : []),
      ...checked.guard!,
    ]);
    if (outcome.committed) return { status: 'rotated', pat: rotated };
    return RETRY;
  });
}

export const REUSE_REASON = 'A rotated-out value was presented after its grace period.';
export const HOLDER_REASON = 'Revoked with itself (DELETE /me/personal-access-token).';

/**
 * Revokes the PAT (userId, name) for good: its current value's lookup item goes, the PAT item stays,
 * marked revoked with the reason. `also` joins the transaction. Returns false when the PAT is already
 * revoked, gone, of another epoch, or (`currentHash`) no longer holds that value.
 */
function revokePat(
  caller: AuditCaller,
  credential: PatCredential,
  action: 'pat.revoked_reuse' | 'pat.revoked_self',
  reason: string,
  now: number,
  options: { currentHash?: string; also?: TransactItems } = {},
): Promise<boolean> {
  return optimistically(async () => {
    const pat = await getPatItem(credential.userId, credential.name);
    if (!pat || pat.patEpoch !== credential.patEpoch || pat.revokedAt) return false;
    if (options.currentHash && pat.tokenHash !== options.currentHash) return false;
    const also = options.also ?? [];
    const outcome = await transactWrite([
      {
        Update: {
          TableName: table(),
          Key: keys.pat(pat.userId, pat.name),
          UpdateExpression: 'SET revokedAt = :now, revokedReason = :reason',
          ConditionExpression: 'tokenHash = :hash AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':now': now, ':reason': reason, ':hash': pat.tokenHash },
        },
      },
      { Delete: { TableName: table(), Key: keys.patHash(pat.tokenHash) } },
      ...(pat.id ? [{ Delete: { TableName: table(), Key: keys.patId(pat.id) } }] : []),
      auditPut(action, patTarget(pat, { reason }), caller, now),
      ...also,
    ]);
    if (outcome.committed) return true;
    // One of `also`'s conditions failed: nothing to do. Otherwise the PAT changed under us: look again.
    const fixed = pat.id ? 4 : 3;
    return outcome.reasons.slice(fixed).includes('ConditionalCheckFailed') ? false : RETRY;
  });
}

/**
 * Reuse of a rotated-out value (after its grace): revokes the PAT it was rotated out of, current value
 * included. Exactly once: the rotated-out item records the detection in the same transaction.
 */
export function revokeOnReuse(
  caller: AuditCaller,
  credential: PatCredential,
  rotatedOutHash: string,
  now: number,
): Promise<boolean> {
  return revokePat(caller, credential, 'pat.revoked_reuse', REUSE_REASON, now, {
    also: [
      {
        Update: {
          TableName: table(),
          Key: keys.patHash(rotatedOutHash),
          UpdateExpression: 'SET reuseDetectedAt = :now',
          ConditionExpression: 'attribute_exists(rotatedOut) AND attribute_not_exists(reuseDetectedAt)',
          ExpressionAttributeValues: { ':now': now },
        },
      },
    ],
  });
}

/** The holder of the PAT's current value revokes it (self-service). */
export function revokeByHolder(
  caller: AuditCaller,
  credential: PatCredential,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  return revokePat(caller, credential, 'pat.revoked_self', HOLDER_REASON, now, { currentHash: tokenHash });
}

/**
 * Deletes the PAT with this value's hash, whoever owns it, with its audit event (revocation by value:
 * RFC 7009 and the public leaked-credential endpoint). Returns whether a PAT was deleted.
 */
export function revokePatByHash(
  caller: AuditCaller,
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
    const outcome = await transactWrite([...deleteActions(pat), auditPut(action, patTarget(pat, details), caller)]);
    return outcome.committed ? true : RETRY;
  });
}
