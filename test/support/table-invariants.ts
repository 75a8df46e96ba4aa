/**
 * Reads a whole patgate table and reports every broken PAT invariant (see lambdas/shared/store/keys.ts):
 * each PAT item `USER#u / PAT#…` has exactly one `PATHASH#<tokenHash>` item naming the same user and PAT,
 * and each hash lookup item belongs to exactly one PAT item.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { keyPrefix, keys } from '../../lambdas/shared/store/keys';

type Item = Record<string, unknown>;

export interface TableSnapshot {
  pats: Item[];
  hashes: Item[];
  users: Item[];
  /** PAT-by-id items (PATID#), what introspection reads. */
  patIds: Item[];
}

/** `endpoint` should be the engine itself, not a fault proxy in front of it. */
export async function scanTable(endpoint: string, tableName: string): Promise<TableSnapshot> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint }));
  const items: Item[] = [];
  let startKey: Item | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  const isUserItem = (item: Item) => String(item.pk).startsWith(keyPrefix.user);
  return {
    pats: items.filter((item) => isUserItem(item) && String(item.sk).startsWith('PAT#')),
    hashes: items.filter((item) => String(item.pk).startsWith(keyPrefix.patHash)),
    users: items.filter((item) => isUserItem(item) && item.sk === 'USER'),
    patIds: items.filter((item) => String(item.pk).startsWith(keyPrefix.patId)),
  };
}

/** Every violation found, as readable lines; an empty list means the table is consistent. */
export function patInvariantViolations({ pats, hashes, patIds }: TableSnapshot): string[] {
  const violations: string[] = [];
  const hashesByPk = new Map(hashes.map((item) => [String(item.pk), item]));
  const patsByKey = new Map(pats.map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
  const claimedHashes = new Map<string, number>();

  for (const pat of pats) {
    const userId = String(pat.userId);
    const name = String(pat.name);
    const expectedKey = keys.pat(userId, name);
    const label = `PAT ${userId}/${JSON.stringify(name)}`;
    if (pat.pk !== expectedKey.pk || pat.sk !== expectedKey.sk)
      violations.push(`${label} is stored under the wrong key`);
    const hashPk = keys.patHash(String(pat.tokenHash)).pk;
    claimedHashes.set(hashPk, (claimedHashes.get(hashPk) ?? 0) + 1);
    const lookup = hashesByPk.get(hashPk);
    if (!lookup) violations.push(`${label} has no hash lookup item`);
    else if (lookup.userId !== userId || lookup.name !== name) {
      violations.push(`${label} has a hash lookup naming ${String(lookup.userId)}/${JSON.stringify(lookup.name)}`);
    }
  }
  for (const [hashPk, count] of claimedHashes) {
    if (count > 1) violations.push(`${count} PAT items share the hash lookup ${hashPk}`);
  }
  for (const lookup of hashes) {
    const owner = patsByKey.get(Object.values(keys.pat(String(lookup.userId), String(lookup.name))).join('|'));
    if (!owner) violations.push(`hash lookup ${String(lookup.pk)} has no PAT item`);
    else if (keys.patHash(String(owner.tokenHash)).pk !== lookup.pk) {
      violations.push(`hash lookup ${String(lookup.pk)} points at a PAT with another hash`);
    }
  }
  // A PAT's id is on its item and its lookup, and its PATID# item names the same owner; no PATID# item outlives its PAT.
  const idsOfPats = new Map(pats.filter((pat) => pat.id !== undefined).map((pat) => [String(pat.id), pat]));
  for (const pat of idsOfPats.values()) {
    const label = `PAT ${String(pat.userId)}/${JSON.stringify(pat.name)}`;
    const byId = patIds.find((item) => item.pk === keys.patId(String(pat.id)).pk);
    if (!byId || byId.userId !== pat.userId) violations.push(`${label} has no PATID item naming its owner`);
    const lookup = hashesByPk.get(keys.patHash(String(pat.tokenHash)).pk);
    if (lookup && lookup.id !== pat.id) violations.push(`${label} has a hash lookup with another id`);
  }
  for (const byId of patIds) {
    if (!idsOfPats.has(String(byId.pk).slice(keyPrefix.patId.length))) {
      violations.push(`PATID item ${String(byId.pk)} has no PAT item`);
    }
  }
  return violations;
}
