/**
 * POST /credentials/revoke: the endpoint a secret scanner (GitHub secret scanning, a DLP tool, a person
 * who found a PAT in a log) calls with the values it found. Every real PAT among them is deleted; the
 * answer is the same whatever was real, so it tells nobody which values were live.
 *
 * Work is bounded: at most 1,000 values, read in BatchGetItems of 100 keys (at most 10), then one
 * transaction per real PAT (deletion and audit event), a few at a time.
 */
import { hashPatValue, isWellFormedPat } from '../shared/crypto/pat-value';
import { countMetric, logger } from '../shared/observability';
import type { AuditCaller } from '../shared/store/audit';
import { keys } from '../shared/store/keys';
import { revokePatByHash } from '../shared/store/pats';
import { batchGet } from '../shared/store/revocation';
import { chunk } from '../shared/store/transactions';

const BATCH_GET_KEYS = 100;
const CONCURRENT_DELETES = 8;

async function inPool<T>(items: readonly T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Returns how many PATs were deleted (for the logs and metrics only; never for the response). */
export async function revokeCredentials(caller: AuditCaller, values: readonly string[]): Promise<number> {
  // Malformed values (a failed checksum) can't be PATs: no read for them.
  const hashes = [...new Set(values.filter(isWellFormedPat).map(hashPatValue))];
  const found: string[] = [];
  await inPool(chunk(hashes, BATCH_GET_KEYS), 4, async (batch) => {
    const items = await batchGet(batch.map((hash) => keys.patHash(hash)));
    found.push(...items.map((item) => (item.pk as string).slice('PATHASH#'.length)));
  });
  let deleted = 0;
  await inPool(found, CONCURRENT_DELETES, async (hash) => {
    if (!(await revokePatByHash(caller, hash, 'pat.revoked_public'))) return;
    deleted++;
    countMetric('ManagementAction', { action: 'pat.revoked_public' });
  });
  logger.info('leaked credentials revoked', { submitted: values.length, wellFormed: hashes.length, deleted });
  return deleted;
}
