/**
 * What introspection reads for an access token, in one strongly consistent BatchGetItem: the PAT by its
 * id, the owner's standing, and the token's revocation mark. Revoking an access token puts that mark
 * (REVOKED#{jti}) until the token's exp, with its audit event, in one transaction.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import { LEGACY_PAT_EPOCH } from '../model/user';
import { auditPut, type AuditCaller } from './audit';
import { keys } from './keys';
import { transactWrite } from './transactions';
import { readUnprocessedAgain } from './unprocessed-keys';

export interface TokenStanding {
  pat: { userId: string; patEpoch: string; expiresAt: number | null } | undefined;
  owner: { patEpoch: string; isSuspended: boolean } | undefined;
  revoked: boolean;
}

/** Unprocessed keys (throttling) are asked again after 20, 40, 80, 160 and 320 ms. */
const UNPROCESSED_RETRIES = { retries: 5, delayMs: (retry: number) => 10 * 2 ** retry };

/** BatchGetItem of up to 100 keys, strongly consistent, retrying unprocessed keys a few times. */
export async function batchGet(requestKeys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const table = env.tableName();
  return readUnprocessedAgain(
    requestKeys,
    async (pending) => {
      const { Responses, UnprocessedKeys } = await guarded('dynamodb', () =>
        dynamo().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [...pending], ConsistentRead: true } } })),
      );
      return {
        items: Responses?.[table] ?? [],
        unprocessed: (UnprocessedKeys?.[table]?.Keys as Record<string, string>[] | undefined) ?? [],
      };
    },
    UNPROCESSED_RETRIES,
  );
}

export async function getTokenStanding(patId: string, userId: string, jti: string): Promise<TokenStanding> {
  const wanted = { pat: keys.patId(patId), owner: keys.user(userId), revoked: keys.revokedJti(jti) };
  const items = await batchGet(Object.values(wanted));
  const find = (key: { pk: string; sk: string }) => items.find((item) => item.pk === key.pk && item.sk === key.sk);
  const pat = find(wanted.pat);
  const owner = find(wanted.owner);
  return {
    pat: pat && {
      userId: pat.userId as string,
      patEpoch: (pat.patEpoch as string | undefined) ?? LEGACY_PAT_EPOCH,
      expiresAt: (pat.expiresAt as number | null | undefined) ?? null,
    },
    owner:
      owner && typeof owner.patEpoch === 'string'
        ? { patEpoch: owner.patEpoch, isSuspended: Boolean(owner.isSuspended) }
        : undefined,
    revoked: find(wanted.revoked) !== undefined,
  };
}

export interface RevokedToken {
  jti: string;
  /** Epoch seconds: the mark lives until then (DynamoDB TTL removes it after). */
  exp: number;
  userId: string;
  patId: string | undefined;
  clientId: string;
}

/** Marks the token revoked until its exp; revoking it again changes nothing (and writes no event). */
export async function revokeAccessToken(caller: AuditCaller, token: RevokedToken): Promise<boolean> {
  const outcome = await transactWrite([
    {
      Put: {
        TableName: env.tableName(),
        Item: { ...keys.revokedJti(token.jti), ...token, ttl: token.exp },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut(
      'token.revoked',
      {
        userId: token.userId,
        ...(token.patId ? { patId: token.patId } : {}),
        details: { jti: token.jti, clientId: token.clientId },
      },
      caller,
    ),
  ]);
  return outcome.committed;
}
