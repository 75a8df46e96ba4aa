/**
 * Records that a PAT was used (its lastUsedAt), at most once per LAST_USED_INTERVAL_SECONDS per PAT and
 * warm container. The write is the one AWS call an exchange could do without: a CI fleet exchanging the
 * same PATs over and over then costs one GetItem and one Sign per exchange, not a DynamoDB write too,
 * and a PAT used very often can't exceed DynamoDB's per-item write limit. The price: lastUsedAt is
 * accurate to that interval. A failed write is only logged, and retried by the next exchange.
 */
import { env } from '../shared/config';
import { logger } from '../shared/observability';
import type { PatCredential } from '../shared/model/pat';
import { touchPat, type PatUse } from '../shared/store/pats';

/** Token hash → when this container last wrote its lastUsedAt; oldest entries go first. */
const lastWrites = new Map<string, number>();
const MAX_REMEMBERED_PATS = 10_000;

/** The client and source IP are written with lastUsedAt, under the same interval. */
export async function recordPatUse(pat: PatCredential, tokenHash: string, use: PatUse): Promise<void> {
  const now = use.at;
  const lastWrite = lastWrites.get(tokenHash);
  if (lastWrite !== undefined && now - lastWrite < env.lastUsedIntervalSeconds() * 1000) return;

  lastWrites.delete(tokenHash);
  if (lastWrites.size >= MAX_REMEMBERED_PATS) lastWrites.delete(lastWrites.keys().next().value!);
  lastWrites.set(tokenHash, now);
  try {
    await touchPat(pat, tokenHash, use);
  } catch (error) {
    lastWrites.delete(tokenHash);
    logger.warn('could not record PAT use', { error: error as Error });
  }
}
