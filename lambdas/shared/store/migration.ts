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
import { LEGACY_PAT_EPOCH } from '../model/user';
import { conditionalWrite } from './conditional';
import { keyPrefix, keys, listPartition, migrationPrefix, patSortKeyPrefix } from './keys';
import { listByKind, queryAll } from './list-index';
import { newPatId } from './pats';
import { transactWrite } from './transactions';
import { userItem } from './users';

const MIGRATION_MARKER = { pk: `${migrationPrefix}users-v1`, sk: 'MIGRATION' };

interface LegacyUser {
  isSuspended: boolean;
  createdAt: number;
}

export async function migrateLegacyUsers(now: number): Promise<number | 'already done'> {
  const table = env.tableName();
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table, Key: MIGRATION_MARKER, ConsistentRead: true })),
  );
  if (Item) return 'already done';

  const legacy = new Map<string, LegacyUser>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await guarded('dynamodb', () =>
      dynamo().send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          FilterExpression:
            'begins_with(pk, :user) AND attribute_not_exists(patEpoch) AND (begins_with(sk, :pat) OR sk = :state)',
          ExpressionAttributeValues: { ':user': keyPrefix.user, ':pat': patSortKeyPrefix, ':state': 'USER' },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const userId = (item.pk as string).slice(keyPrefix.user.length);
      const known = legacy.get(userId) ?? { isSuspended: false, createdAt: now };
      if (item.sk === 'USER') known.isSuspended = Boolean(item.isSuspended);
      else known.createdAt = Math.min(known.createdAt, item.createdAt as number);
      legacy.set(userId, known);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);

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
  await guarded('dynamodb', () =>
    dynamo().send(new PutCommand({ TableName: table, Item: { ...MIGRATION_MARKER, at: now, registered } })),
  );
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
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table, Key: PAT_IDS_MARKER, ConsistentRead: true })),
  );
  if (Item) return 'already done';

  const pending: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await guarded('dynamodb', () =>
      dynamo().send(
        new ScanCommand({
          TableName: table,
          ConsistentRead: true,
          FilterExpression: 'begins_with(pk, :user) AND begins_with(sk, :pat) AND attribute_not_exists(id)',
          ExpressionAttributeValues: { ':user': keyPrefix.user, ':pat': patSortKeyPrefix },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    pending.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);

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
  if (pending.length === 0) {
    await guarded('dynamodb', () =>
      dynamo().send(new PutCommand({ TableName: table, Item: { ...PAT_IDS_MARKER, at: Date.now() } })),
    );
  }
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
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table, Key: MEMBERSHIP_INDEX_MARKER, ConsistentRead: true })),
  );
  if (Item) return 'already done';

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
  if (found === 0) {
    await guarded('dynamodb', () =>
      dynamo().send(new PutCommand({ TableName: table, Item: { ...MEMBERSHIP_INDEX_MARKER, at: Date.now() } })),
    );
  }
  return indexed;
}
