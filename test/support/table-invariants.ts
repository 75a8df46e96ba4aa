/**
 * Reads a whole patgate table and reports every broken PAT invariant (see lambdas/shared/store/keys.ts):
 * - each PAT item `USER#u / PAT#…` has exactly one `PATHASH#<tokenHash>` lookup item, and the two agree on
 *   userId, name, expiresAt, scopes and patEpoch; each lookup belongs to exactly one PAT item;
 * - a lookup carries no copy of the owner's standing (`suspended`): the token endpoint reads the user item;
 * - a PAT item outside its owner's current PAT epoch (revoked all, or the user deleted) may remain until
 *   purged, but only with a purge marker `USER#u / PURGE#<epoch>` that promises its removal.
 * Whether such a PAT is dead at the token endpoint is for the tests to check with real exchanges:
 * `patStanding` tells them what the table says each PAT value should get.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { keyPrefix, keys } from '../../lambdas/shared/store/keys';

type Item = Record<string, unknown>;

export interface TableSnapshot {
  pats: Item[];
  hashes: Item[];
  /** Registered users' items (`USER#u / USER`); the user's id is `id`. */
  users: Item[];
  /** Purge markers (`USER#u / PURGE#<epoch>`): PATs of an ended epoch still to be removed. */
  purges: Item[];
  /** PAT-by-id items (PATID#), what introspection reads. */
  patIds: Item[];
}

/**
 * Every item of the table, strongly consistent, page after page (a Scan reads at most 1 MB per call, filter or not).
 * `endpoint` should be the engine itself, not a fault proxy in front of it.
 */
export async function scanItems(endpoint: string, tableName: string): Promise<Item[]> {
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
  return items;
}

/** `endpoint` should be the engine itself, not a fault proxy in front of it. */
export async function scanTable(endpoint: string, tableName: string): Promise<TableSnapshot> {
  const items = await scanItems(endpoint, tableName);
  const isUserItem = (item: Item) => String(item.pk).startsWith(keyPrefix.user);
  return {
    pats: items.filter((item) => isUserItem(item) && String(item.sk).startsWith('PAT#')),
    hashes: items.filter((item) => String(item.pk).startsWith(keyPrefix.patHash)),
    users: items.filter((item) => isUserItem(item) && item.sk === 'USER'),
    purges: items.filter((item) => isUserItem(item) && String(item.sk).startsWith('PURGE#')),
    patIds: items.filter((item) => String(item.pk).startsWith(keyPrefix.patId)),
  };
}

/** The PAT fields the token endpoint reads from the lookup, as the PAT item states them. */
const AGREED_FIELDS = ['userId', 'name', 'expiresAt', 'scopes', 'patEpoch'] as const;
const field = (item: Item, name: (typeof AGREED_FIELDS)[number]) => item[name] ?? null;

/** Every violation found, as readable lines; an empty list means the table is consistent. */
export function patInvariantViolations({ pats, hashes, users, purges, patIds }: TableSnapshot): string[] {
  const violations: string[] = [];
  const hashesByPk = new Map(hashes.map((item) => [String(item.pk), item]));
  const patsByKey = new Map(pats.map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
  const epochOfUser = new Map(users.map((user) => [String(user.id), user.patEpoch]));
  const purgeMarkers = new Set(purges.map((marker) => `${String(marker.userId)}|${String(marker.patEpoch)}`));
  const claimedHashes = new Map<string, number>();

  for (const user of users) {
    const expectedKey = keys.user(String(user.id));
    if (user.pk !== expectedKey.pk) violations.push(`user ${String(user.pk)} names another id ${String(user.id)}`);
    if (typeof user.patEpoch !== 'string') violations.push(`user ${String(user.id)} has no PAT epoch`);
  }
  for (const marker of purges) {
    const expectedKey = keys.userPurge(String(marker.userId), String(marker.patEpoch));
    if (marker.pk !== expectedKey.pk || marker.sk !== expectedKey.sk) {
      violations.push(`purge marker ${String(marker.pk)}/${String(marker.sk)} names another user or epoch`);
    }
  }

  for (const pat of pats) {
    const userId = String(pat.userId);
    const name = String(pat.name);
    const expectedKey = keys.pat(userId, name);
    const label = `PAT ${userId}/${JSON.stringify(name)}`;
    if (pat.pk !== expectedKey.pk || pat.sk !== expectedKey.sk)
      violations.push(`${label} is stored under the wrong key`);
    if (typeof pat.patEpoch !== 'string') violations.push(`${label} has no PAT epoch`);
    else if (epochOfUser.get(userId) !== pat.patEpoch && !purgeMarkers.has(`${userId}|${pat.patEpoch}`)) {
      violations.push(`${label} is of an ended PAT epoch that no purge marker will remove`);
    }
    const hashPk = keys.patHash(String(pat.tokenHash)).pk;
    claimedHashes.set(hashPk, (claimedHashes.get(hashPk) ?? 0) + 1);
    const lookup = hashesByPk.get(hashPk);
    if (!lookup) {
      violations.push(`${label} has no hash lookup item`);
      continue;
    }
    for (const member of AGREED_FIELDS) {
      if (!isDeepStrictEqual(field(lookup, member), field(pat, member))) {
        violations.push(
          `${label} says ${member}=${JSON.stringify(field(pat, member))}, its lookup ${JSON.stringify(field(lookup, member))}`,
        );
      }
    }
  }
  for (const [hashPk, count] of claimedHashes) {
    if (count > 1) violations.push(`${count} PAT items share the hash lookup ${hashPk}`);
  }
  for (const lookup of hashes) {
    if ('suspended' in lookup) violations.push(`hash lookup ${String(lookup.pk)} carries a suspended copy`);
    const owner = patsByKey.get(Object.values(keys.pat(String(lookup.userId), String(lookup.name))).join('|'));
    if (!owner) violations.push(`hash lookup ${String(lookup.pk)} has no PAT item`);
    else if (lookup.rotatedOut === true) {
      // A rotated-out value (issue 15): its PAT moved on to a new hash and names this one as its previous value.
      if (owner.tokenHash === String(lookup.pk).slice(keyPrefix.patHash.length)) {
        violations.push(`rotated-out lookup ${String(lookup.pk)} is still its PAT's current value`);
      }
    } else if (keys.patHash(String(owner.tokenHash)).pk !== lookup.pk) {
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

/** What the token endpoint must do with a PAT value, judged from the table alone (expiry aside). */
export type PatStanding =
  | 'live'
  | 'owner suspended'
  /** All revoked, or the owner deleted (and perhaps registered again): the PAT item may linger until purged. */
  | 'ended epoch'
  /** No PAT item with this value's hash: deleted, replaced, purged, or never issued. */
  | 'absent';

export function patStanding({ pats, users }: TableSnapshot, value: string): PatStanding {
  const tokenHash = createHash('sha256').update(value).digest('hex');
  const pat = pats.find((item) => item.tokenHash === tokenHash);
  if (!pat) return 'absent';
  const owner = users.find((user) => user.id === pat.userId);
  if (!owner || owner.patEpoch !== pat.patEpoch) return 'ended epoch';
  return owner.isSuspended ? 'owner suspended' : 'live';
}
