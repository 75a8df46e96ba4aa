/**
 * PATs near their expiry, read from gsi1's per-day partitions (keys.patExpiry), and the notice level on
 * the PAT item that makes each notice go out once.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import type { Pat } from '../model/pat';
import { conditionalWrite } from './conditional';
import { GSI1, keys, patExpiryPartition } from './keys';
import { queryAll } from './list-index';
import { toPat } from './pats';

const DAY_MS = 86_400_000;

/** PAT items expiring in [from, to): one Query per UTC day in the range. */
export async function patsExpiringBetween(from: number, to: number): Promise<Pat[]> {
  const pats: Pat[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    const items = await queryAll({
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :day AND gsi1sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':day': patExpiryPartition(day),
        ':from': keys.patExpiry(from).gsi1sk,
        ':to': keys.patExpiry(to - 1).gsi1sk,
      },
    });
    pats.push(...items.map(toPat));
  }
  return pats;
}

/**
 * Claims the notice `level` for the PAT as it was read (same value, same expiry): true for exactly one
 * caller however many runs race.
 */
export function claimExpiryNotice(pat: Pat, level: number): Promise<boolean> {
  return conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.pat(pat.userId, pat.name),
        UpdateExpression: 'SET expiryNoticeLevel = :level',
        ConditionExpression:
          'tokenHash = :hash AND expiresAt = :expiresAt AND (attribute_not_exists(expiryNoticeLevel) OR expiryNoticeLevel < :level)',
        ExpressionAttributeValues: { ':level': level, ':hash': pat.tokenHash, ':expiresAt': pat.expiresAt },
      }),
    ),
  );
}

/** Gives a claim back when its event could not be sent, so the next run sends it. */
export function releaseExpiryNotice(pat: Pat, level: number): Promise<boolean> {
  const previous = pat.expiryNoticeLevel ?? null;
  return conditionalWrite(() =>
    dynamo().send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.pat(pat.userId, pat.name),
        UpdateExpression: previous === null ? 'REMOVE expiryNoticeLevel' : 'SET expiryNoticeLevel = :previous',
        ConditionExpression: 'expiryNoticeLevel = :level',
        ExpressionAttributeValues: { ':level': level, ...(previous === null ? {} : { ':previous': previous }) },
      }),
    ),
  );
}
