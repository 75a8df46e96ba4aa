/**
 * Users: one item each (USER#{id} / USER), listed through gsi1, with usernames, emails and phone numbers
 * kept unique by UNIQUE# items written in the same transaction. Suspension is one write to the user
 * item; the token endpoint reads that item on every exchange, so it bites at once for every PAT.
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { auditPut, type AuditCaller } from './audit';
import { env } from '../config';
import type { User, UserProfile } from '../model/user';
import { conditionalWrite } from './conditional';
import { keys, listPartition, type UniqueKind } from './keys';
import { listByKind } from './list-index';
import { optimistically, RETRY, transactWrite, type TransactItems } from './transactions';

const table = () => env.tableName();

const uniqueFields: readonly [keyof UserProfile & ('username' | 'primaryEmail' | 'primaryPhone'), UniqueKind][] = [
  ['username', 'username'],
  ['primaryEmail', 'email'],
  ['primaryPhone', 'phone'],
];

/** A registered user item has an patEpoch; a bare `{isSuspended, version}` item is pre-users state. */
export function toUser(item: Record<string, unknown> | undefined): User | undefined {
  if (!item || typeof item.patEpoch !== 'string') return undefined;
  return {
    id: item.id as string,
    username: (item.username as string | null | undefined) ?? null,
    primaryEmail: (item.primaryEmail as string | null | undefined) ?? null,
    primaryPhone: (item.primaryPhone as string | null | undefined) ?? null,
    name: (item.name as string | null | undefined) ?? null,
    avatar: (item.avatar as string | null | undefined) ?? null,
    customData: parseCustomData(item.customData),
    isSuspended: Boolean(item.isSuspended),
    createdAt: item.createdAt as number,
    updatedAt: (item.updatedAt as number | undefined) ?? (item.createdAt as number),
    patEpoch: item.patEpoch,
  };
}

/**
 * customData is stored as its JSON text: any JSON a caller sends fits (DynamoDB's own types would refuse
 * numbers beyond 38 digits or 1e125, and nesting deeper than 32 levels).
 */
const parseCustomData = (stored: unknown): Record<string, unknown> =>
  typeof stored === 'string'
    ? (JSON.parse(stored) as Record<string, unknown>)
    : ((stored as Record<string, unknown>) ?? {});

export function userItem(user: User) {
  return {
    ...keys.user(user.id),
    gsi1pk: listPartition.user,
    gsi1sk: `${user.createdAt}#${user.id}`,
    ...user,
    customData: JSON.stringify(user.customData),
  };
}

export async function getUser(id: string): Promise<User | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.user(id), ConsistentRead: true })),
  );
  return toUser(Item);
}

export async function listUsers(): Promise<User[]> {
  return (await listByKind(listPartition.user)).flatMap((item) => toUser(item) ?? []);
}

export type UserWriteResult =
  | { status: 'ok'; user: User }
  | { status: 'not_found' }
  | { status: 'id_exists' }
  | { status: 'taken'; kind: UniqueKind };

function claim(kind: UniqueKind, value: string, userId: string) {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.unique(kind, value), userId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function release(kind: UniqueKind, value: string, userId: string) {
  return {
    Delete: {
      TableName: table(),
      Key: keys.unique(kind, value),
      ConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': userId },
    },
  };
}

/** Which identifier was taken, from a cancelled transaction and the kind claimed at each action index. */
function takenKind(reasons: readonly string[], claimAt: ReadonlyMap<number, UniqueKind>): UniqueKind | undefined {
  for (const [index, kind] of claimAt) if (reasons[index] === 'ConditionalCheckFailed') return kind;
  return undefined;
}

/**
 * Registers a user. A pre-users state item for the same id (a suspension recorded before users
 * existed) is replaced. PATs of an earlier user with this id are of another epoch and stay dead.
 */
export async function createUser(caller: AuditCaller, user: User): Promise<UserWriteResult> {
  const claims = uniqueFields.flatMap(([field, kind]) => (user[field] ? [{ kind, value: user[field] }] : []));
  const outcome = await transactWrite([
    {
      Put: {
        TableName: table(),
        Item: userItem(user),
        ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(patEpoch)',
      },
    },
    ...claims.map(({ kind, value }) => claim(kind, value, user.id)),
    auditPut('user.created', { userId: user.id }, caller, user.createdAt),
  ]);
  if (outcome.committed) return { status: 'ok', user };
  if (outcome.reasons[0] === 'ConditionalCheckFailed') return { status: 'id_exists' };
  const kind = takenKind(outcome.reasons, new Map(claims.map(({ kind }, i) => [i + 1, kind])));
  if (!kind) throw new Error('user creation cancelled without a failed condition');
  return { status: 'taken', kind };
}

/**
 * Replaces the given profile fields (Logto's PATCH /users/{id}: `null` or `''` clears a field),
 * moving unique identifiers in the same transaction.
 */
export function updateUser(caller: AuditCaller, id: string, changes: Partial<UserProfile>): Promise<UserWriteResult> {
  return optimistically(async () => {
    const current = await getUser(id);
    if (!current) return { status: 'not_found' } as const;
    const updated: User = { ...current, ...changes, updatedAt: Date.now() };
    const actions: TransactItems = [
      {
        Put: {
          TableName: table(),
          Item: userItem(updated),
          ConditionExpression: 'patEpoch = :epoch AND updatedAt = :updatedAt',
          ExpressionAttributeValues: { ':epoch': current.patEpoch, ':updatedAt': current.updatedAt },
        },
      },
    ];
    const claimAt = new Map<number, UniqueKind>();
    for (const [field, kind] of uniqueFields) {
      const before = current[field];
      const after = updated[field];
      if ((before ?? '').toLowerCase() === (after ?? '').toLowerCase()) continue;
      if (after) {
        claimAt.set(actions.length, kind);
        actions.push(claim(kind, after, id));
      }
      if (before) actions.push(release(kind, before, id));
    }
    // Which fields changed, never their values (they may be personal data).
    const fields = Object.keys(changes).sort().join(',');
    actions.push(auditPut('user.updated', { userId: id, details: { fields } }, caller, updated.updatedAt));
    const outcome = await transactWrite(actions);
    if (outcome.committed) return { status: 'ok', user: updated } as const;
    const kind = takenKind(outcome.reasons, claimAt);
    // Otherwise the user changed under us (or went): read it again.
    return kind ? ({ status: 'taken', kind } as const) : RETRY;
  });
}

/**
 * One conditional update of the user item (with its audit event): every PAT of the user is refused from
 * the next exchange on. Setting the state it already has changes nothing and writes no event.
 */
export function setSuspended(caller: AuditCaller, id: string, isSuspended: boolean): Promise<User | undefined> {
  return optimistically(async () => {
    const current = await getUser(id);
    if (!current) return undefined;
    if (current.isSuspended === isSuspended) return current;
    const updated: User = { ...current, isSuspended, updatedAt: Date.now() };
    const outcome = await transactWrite([
      {
        Update: {
          TableName: table(),
          Key: keys.user(id),
          UpdateExpression: 'SET isSuspended = :suspended, updatedAt = :now',
          ConditionExpression: 'patEpoch = :epoch AND updatedAt = :updatedAt',
          ExpressionAttributeValues: {
            ':suspended': isSuspended,
            ':now': updated.updatedAt,
            ':epoch': current.patEpoch,
            ':updatedAt': current.updatedAt,
          },
        },
      },
      auditPut(isSuspended ? 'user.suspended' : 'user.unsuspended', { userId: id }, caller, updated.updatedAt),
    ]);
    return outcome.committed ? updated : RETRY;
  });
}

/**
 * Deletes the user item, its unique identifiers, and leaves a purge marker for its PATs, in one
 * transaction: from that moment no PAT of the user exchanges (the token endpoint needs the user item).
 * The PATs themselves are removed by `purgeUserPats`, inline for most users and by the maintenance job
 * for the rest, so a request never fans out into an unbounded number of writes.
 */
export function deleteUser(caller: AuditCaller, id: string, deletedAt: number): Promise<User | undefined> {
  return optimistically(async () => {
    const user = await getUser(id);
    if (!user) return undefined;
    const outcome = await transactWrite([
      {
        Delete: {
          TableName: table(),
          Key: keys.user(id),
          ConditionExpression: 'patEpoch = :epoch AND updatedAt = :updatedAt',
          ExpressionAttributeValues: { ':epoch': user.patEpoch, ':updatedAt': user.updatedAt },
        },
      },
      {
        Put: {
          TableName: table(),
          Item: {
            ...purgeMarker({ userId: id, patEpoch: user.patEpoch }, deletedAt),
          },
        },
      },
      ...uniqueFields.flatMap(([field, kind]) => (user[field] ? [release(kind, user[field], id)] : [])),
      auditPut('user.deleted', { userId: id }, caller, deletedAt),
    ]);
    return outcome.committed ? user : RETRY;
  });
}

/** PATs of an ended epoch of a user, still to be removed. */
export interface PendingPurge {
  userId: string;
  patEpoch: string;
}

export function purgeMarker(purge: PendingPurge, at: number) {
  return {
    ...keys.userPurge(purge.userId, purge.patEpoch),
    gsi1pk: listPartition.purge,
    gsi1sk: `${at}#${purge.userId}`,
    ...purge,
  };
}

export async function pendingPurges(): Promise<PendingPurge[]> {
  return (await listByKind(listPartition.purge)).map((item) => ({
    userId: item.userId as string,
    patEpoch: item.patEpoch as string,
  }));
}

export async function completePurge(purge: PendingPurge): Promise<void> {
  await conditionalWrite(() =>
    dynamo().send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.userPurge(purge.userId, purge.patEpoch),
        ConditionExpression: 'patEpoch = :epoch',
        ExpressionAttributeValues: { ':epoch': purge.patEpoch },
      }),
    ),
  );
}
