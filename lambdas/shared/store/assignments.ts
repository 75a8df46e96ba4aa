/** What the stores of users' roles, memberships and organization roles share about their sets of ids. */
import { env } from '../config';
import { keys } from './keys';
import type { TransactItems } from './transactions';

/**
 * A transaction's check that the user id is still registered as the user read at `createdAt`: a user deleted,
 * or registered again under the same id, since then gets nothing of the change.
 */
export const userRegisteredAt = (userId: string, createdAt: number): TransactItems[number] => ({
  ConditionCheck: {
    TableName: env.tableName(),
    Key: keys.user(userId),
    ConditionExpression: 'attribute_exists(patEpoch) AND createdAt = :created',
    ExpressionAttributeValues: { ':created': createdAt },
  },
});

/** The same ids in the same order: a change that writes nothing (and audits nothing). */
export const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** The ids a change added and removed, comma-separated (audit details hold scalars): `addedRoleIds`, …. */
export const idChanges = <N extends string>(noun: N, before: readonly string[], after: readonly string[]) =>
  ({
    [`added${noun}`]: after.filter((id) => !before.includes(id)).join(','),
    [`removed${noun}`]: before.filter((id) => !after.includes(id)).join(','),
  }) as Record<`added${N}` | `removed${N}`, string>;
