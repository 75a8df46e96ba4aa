/**
 * Upgrades data written before users were registered (patgate ≤ 0.1): PATs then belonged to any user
 * id, and a suspension was a bare `{isSuspended, version}` item. Every such user id gets a registered user
 * in the legacy PAT epoch, so its PATs keep exchanging. Runs once (a marker item records it), from the
 * maintenance function, which `cdk deploy` invokes before the new handlers go live.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import { valueIssuedAt } from '../model/pat';
import { LEGACY_PAT_EPOCH } from '../model/user';
import { conditionalWrite } from './conditional';
import { keyPrefix, keys, listPartition, migrationPrefix, patSortKeyPrefix } from './keys';
import { listByKind, queryAll, readPages } from './list-index';
import { getPatItem, newPatId } from './pats';
import { transactWrite } from './transactions';
import { userItem } from './users';

const MIGRATION_MARKER = { pk: `${migrationPrefix}users-v1`, sk: 'MIGRATION' };

interface LegacyUser {
  isSuspended: boolean;
  createdAt: number;
}

type Marker = { pk: string; sk: string };

/** Whether the migration of this marker has run (its marker item exists). */
async function isDone(marker: Marker): Promise<boolean> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: env.tableName(), Key: marker, ConsistentRead: true })),
  );
  return Item !== undefined;
}

async function markDone(marker: Marker, facts: Record<string, unknown> = {}): Promise<void> {
  await guarded('dynamodb', () =>
    dynamo().send(new PutCommand({ TableName: env.tableName(), Item: { ...marker, at: Date.now(), ...facts } })),
  );
}

/**
 * The items a migration still has to fix: a strongly consistent Scan with `filter`, page by page until the table
 * ends or `enough` items are found (`more` then says whether the scan stopped early).
 */
async function scanFor(
  filter: string,
  values: Record<string, unknown>,
  enough = Infinity,
): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
  return readPages(
    (startKey: Record<string, unknown> | undefined) =>
      dynamo().send(
        new ScanCommand({
          TableName: env.tableName(),
          ConsistentRead: true,
          FilterExpression: filter,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
        }),
      ),
    enough,
  );
}

export async function migrateLegacyUsers(now: number): Promise<number | 'already done'> {
  const table = env.tableName();
  if (await isDone(MIGRATION_MARKER)) return 'already done';

  const legacy = new Map<string, LegacyUser>();
  const { items } = await scanFor(
    'begins_with(pk, :user) AND attribute_not_exists(patEpoch) AND (begins_with(sk, :pat) OR sk = :state)',
    { ':user': keyPrefix.user, ':pat': patSortKeyPrefix, ':state': 'USER' },
  );
  for (const item of items) {
    const userId = (item.pk as string).slice(keyPrefix.user.length);
    const known = legacy.get(userId) ?? { isSuspended: false, createdAt: now };
    if (item.sk === 'USER') known.isSuspended = Boolean(item.isSuspended);
    else known.createdAt = Math.min(known.createdAt, item.createdAt as number);
    legacy.set(userId, known);
  }

  let registered = 0;
  for (const [id, user] of legacy) {
    const written = await conditionalWrite(() =>
      dynamo().send(
        new PutCommand({
          TableName: table,
          Item: userItem({
            id,
            username: null,
            primaryEmail: null,
            primaryPhone: null,
            name: null,
            avatar: null,
            customData: {},
            isSuspended: user.isSuspended,
            createdAt: user.createdAt,
            updatedAt: now,
            patEpoch: LEGACY_PAT_EPOCH,
          }),
          // A user registered meanwhile (POST /api/users) keeps its own record.
          ConditionExpression: 'attribute_not_exists(patEpoch)',
        }),
      ),
    );
    if (written) registered++;
  }
  await markDone(MIGRATION_MARKER, { at: now, registered });
  return registered;
}

const PAT_IDS_MARKER = { pk: `${migrationPrefix}pat-ids-v1`, sk: 'MIGRATION' };

/**
 * Gives every PAT created before PAT ids (patgate ≤ 0.2) an id: on its PAT item, its hash lookup (so the
 * exchange puts it in tokens as `pat_id`) and its PATID# item (what introspection reads), in one transaction
 * conditional on the PAT being unchanged. Runs on every maintenance run until one finds nothing left to do
 * (handlers of the previous version may create id-less PATs while a deploy is under way), then marks itself
 * done. Returns how many PATs got an id.
 */
export async function assignPatIds(): Promise<number | 'already done'> {
  const table = env.tableName();
  if (await isDone(PAT_IDS_MARKER)) return 'already done';

  const { items: pending } = await scanFor(
    'begins_with(pk, :user) AND begins_with(sk, :pat) AND attribute_not_exists(id)',
    { ':user': keyPrefix.user, ':pat': patSortKeyPrefix },
  );

  let assigned = 0;
  for (const item of pending) {
    const id = newPatId();
    const outcome = await transactWrite([
      {
        Update: {
          TableName: table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET id = :id',
          ConditionExpression: 'tokenHash = :hash AND attribute_not_exists(id)',
          ExpressionAttributeValues: { ':id': id, ':hash': item.tokenHash },
        },
      },
      {
        Update: {
          TableName: table,
          Key: keys.patHash(item.tokenHash as string),
          UpdateExpression: 'SET id = :id',
          ConditionExpression: 'attribute_exists(pk) AND userId = :userId',
          ExpressionAttributeValues: { ':id': id, ':userId': item.userId },
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            ...keys.patId(id),
            userId: item.userId,
            expiresAt: item.expiresAt ?? null,
            patEpoch: item.patEpoch ?? LEGACY_PAT_EPOCH,
            ...(item.ttl === undefined ? {} : { ttl: item.ttl }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    // A PAT renamed, deleted or replaced meanwhile is left to the next run.
    if (outcome.committed) assigned++;
  }
  if (pending.length === 0) await markDone(PAT_IDS_MARKER);
  return assigned;
}

const MEMBERSHIP_INDEX_MARKER = { pk: `${migrationPrefix}membership-index-v1`, sk: 'MIGRATION' };

/**
 * Puts memberships written before GET /api/users/{userId}/organizations into the listing index under their
 * user (gsi1pk USERORGS#…). Reads organization by organization (the index, then each one's memberships), not
 * the table. Like assignPatIds, it runs on every maintenance run until one finds nothing left to do (the
 * previous version's handlers may add members while a deploy is under way), then marks itself done.
 * Returns how many memberships it indexed.
 */
export async function indexMemberships(): Promise<number | 'already done'> {
  const table = env.tableName();
  if (await isDone(MEMBERSHIP_INDEX_MARKER)) return 'already done';

  let found = 0;
  let indexed = 0;
  for (const organization of await listByKind(listPartition.organization)) {
    const organizationId = organization.id as string;
    const pending = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_not_exists(gsi1pk)',
      ExpressionAttributeValues: { ':pk': keys.membership(organizationId, '').pk },
      ConsistentRead: true,
    });
    found += pending.length;
    for (const item of pending) {
      const { gsi1pk, gsi1sk } = keys.membershipByUser(item.userId as string, organizationId);
      const written = await conditionalWrite(() =>
        dynamo().send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET gsi1pk = :gpk, gsi1sk = :gsk',
            // A membership removed meanwhile stays removed.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':gpk': gsi1pk, ':gsk': gsi1sk },
          }),
        ),
      );
      if (written) indexed++;
    }
  }
  if (found === 0) await markDone(MEMBERSHIP_INDEX_MARKER);
  return indexed;
}

const PAT_LIFECYCLE_MARKER = { pk: `${migrationPrefix}pat-lifecycle-v1`, sk: 'MIGRATION' };
/** Items fixed per run at most; the rest wait for the next run (every 5 minutes). */
const LIFECYCLE_BATCH = 500;

export interface LifecycleBackfill {
  /** Lookup items that got the issue time of their value (from the PAT's createdAt, or its last rotation). */
  issuedAt: number;
  /** PAT items with an expiry that got their expiry-day index entry (gsi1 PATEXP#{day}). */
  expiryIndexed: number;
  /** Whether items were left for the next run. */
  more: boolean;
}

/**
 * Brings PATs created before the lifecycle version (patgate ≤ 0.3) up to it: their lookup items get
 * `issuedAt`, so the maximum lifetime ages them at the exchange, and their PAT items, if they expire, the
 * expiry-day index entry the expiry notices read. Every write is conditional on the attribute still being
 * missing and the PAT unchanged, so it never overwrites what a newer handler wrote. Bounded (LIFECYCLE_BATCH
 * items per run) and re-runnable; marks itself done when a run finds nothing left.
 */
export async function backfillPatLifecycle(): Promise<LifecycleBackfill | 'already done'> {
  const table = env.tableName();
  if (await isDone(PAT_LIFECYCLE_MARKER)) return 'already done';

  const { items: pending, more } = await scanFor(
    '(begins_with(pk, :hash) AND attribute_not_exists(issuedAt) AND attribute_not_exists(rotatedOut)) OR ' +
      '(begins_with(pk, :user) AND begins_with(sk, :pat) AND attribute_type(expiresAt, :number) AND attribute_not_exists(gsi1pk))',
    { ':hash': keyPrefix.patHash, ':user': keyPrefix.user, ':pat': patSortKeyPrefix, ':number': 'N' },
    LIFECYCLE_BATCH,
  );

  const result: LifecycleBackfill = {
    issuedAt: 0,
    expiryIndexed: 0,
    more: more || pending.length > LIFECYCLE_BATCH,
  };
  for (const item of pending.slice(0, LIFECYCLE_BATCH)) {
    if (String(item.pk).startsWith(keyPrefix.patHash)) {
      if (await backfillIssuedAt(item)) result.issuedAt++;
    } else if (await backfillExpiryIndex(item)) {
      result.expiryIndexed++;
    }
  }
  if (pending.length === 0) await markDone(PAT_LIFECYCLE_MARKER);
  return result;
}

/** The value's issue time comes from its PAT item, which must still hold this value. */
async function backfillIssuedAt(lookup: Record<string, unknown>): Promise<boolean> {
  const tokenHash = String(lookup.pk).slice(keyPrefix.patHash.length);
  const pat = await getPatItem(lookup.userId as string, lookup.name as string);
  // A lookup whose PAT moved on (renamed or rotated meanwhile) is looked at again by the next run.
  if (!pat || pat.tokenHash !== tokenHash) return false;
  return conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.patHash(tokenHash),
        UpdateExpression: 'SET issuedAt = :at',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(issuedAt) AND attribute_not_exists(rotatedOut) AND userId = :user AND #name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':at': valueIssuedAt(pat), ':user': pat.userId, ':name': pat.name },
      }),
    ),
  );
}

function backfillExpiryIndex(item: Record<string, unknown>): Promise<boolean> {
  const index = keys.patExpiry(item.expiresAt as number);
  return conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET gsi1pk = :gsi1pk, gsi1sk = :gsi1sk',
        ConditionExpression: 'tokenHash = :hash AND expiresAt = :expiresAt AND attribute_not_exists(gsi1pk)',
        ExpressionAttributeValues: {
          ':gsi1pk': index.gsi1pk,
          ':gsi1sk': index.gsi1sk,
          ':hash': item.tokenHash,
          ':expiresAt': item.expiresAt,
        },
      }),
    ),
  );
}
