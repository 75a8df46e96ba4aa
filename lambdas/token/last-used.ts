/**
 * Records that a PAT was used (its lastUsedAt), at most once per LAST_USED_INTERVAL_SECONDS per PAT. The write is
 * the one AWS call an exchange could do without: a CI fleet exchanging the same PATs over and over then costs one
 * GetItem and one Sign per exchange, not a DynamoDB write too, and a PAT used very often can't exceed DynamoDB's
 * per-item write limit. The price: lastUsedAt (and the client and source IP written with it) is accurate to that
 * interval. A failed write is only logged, and retried by the next exchange.
 *
 * The interval holds across containers: the lookup item read in the first round trip carries lastUsedAt, so a
 * container skips the write when any container recorded a use within the interval — a cold container's first
 * exchange then waits for no write (the exchange awaits it beside Sign: Lambda freezes whatever a handler leaves
 * running), and a fleet of N containers writes a busy PAT about once per interval, not N times.
 */
import { env } from '../shared/config';
import { logger } from '../shared/observability';
import type { PatCredential } from '../shared/model/pat';
import { touchPat, type PatUse } from '../shared/store/pats';

/**
 * Token hash → when this container last wrote its lastUsedAt (the lookup item shows it only once written: this
 * keeps concurrent exchanges of one PAT from writing it twice); oldest entries go first.
 */
const lastWrites = new Map<string, number>();
const MAX_REMEMBERED_PATS = 10_000;

/** The client and source IP are written with lastUsedAt, under the same interval. */
export async function recordPatUse(pat: PatCredential, tokenHash: string, use: PatUse): Promise<void> {
  const now = use.at;
  const intervalMs = env.lastUsedIntervalSeconds() * 1000;
  const lastRecorded = Math.max(lastWrites.get(tokenHash) ?? -Infinity, pat.lastUsedAt ?? -Infinity);
  if (now - lastRecorded < intervalMs) return;

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
