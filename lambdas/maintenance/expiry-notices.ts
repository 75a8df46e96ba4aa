/**
 * Expiry notices: EventBridge events `patgate.pat.expiring` (7 days and 1 day before) and
 * `patgate.pat.expired`, each once per PAT and expiry, for operators to route to mail or chat. They carry
 * the user id, PAT name and expiry, never a value or hash. Reads only the gsi1 partitions of the days
 * around `now`; a notice is claimed on the PAT item before its event is sent, and given back if sending
 * fails, so repeated and concurrent runs send each once.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '../shared/aws/eventbridge';
import { env } from '../shared/config';
import { expiryNoticeDue, expiryNotices, type ExpiryNotice, type Pat } from '../shared/model/pat';
import { logger } from '../shared/observability';
import { claimExpiryNotice, patsExpiringBetween, releaseExpiryNotice } from '../shared/store/expiry';
import { getUserStanding } from '../shared/store/pats';

import { EVENT_SOURCE } from '../shared/events';
/** Expired PATs are still noticed this long after their expiry (runs missed meanwhile). */
const LOOKBACK_MS = 2 * 86_400_000;
const AHEAD_MS = expiryNotices[0].beforeMs;

export interface ExpiryNoticeReport {
  sent: Record<ExpiryNotice['threshold'], number>;
  failed: number;
}

export async function sendExpiryNotices(now: number): Promise<ExpiryNoticeReport> {
  const report: ExpiryNoticeReport = { sent: { '7d': 0, '1d': 0, expired: 0 }, failed: 0 };
  const candidates = await patsExpiringBetween(now - LOOKBACK_MS, now + AHEAD_MS + 1);
  const owners = new Map<string, Promise<Awaited<ReturnType<typeof getUserStanding>>>>();
  for (const pat of candidates) {
    const notice = expiryNoticeDue(pat, now);
    if (!notice) continue;
    // A PAT of an ended epoch (revoke-all, deleted user) is gone for its owner: no notice.
    if (!owners.has(pat.userId)) owners.set(pat.userId, getUserStanding(pat.userId));
    const owner = await owners.get(pat.userId)!;
    if (!owner || owner.patEpoch !== pat.patEpoch) continue;
    if (!(await claimExpiryNotice(pat, notice.level))) continue;
    try {
      await send(pat, notice, now);
      report.sent[notice.threshold]++;
    } catch (error) {
      report.failed++;
      logger.warn('could not send an expiry notice; the next run retries', { error: error as Error });
      await releaseExpiryNotice(pat, notice.level);
    }
  }
  return report;
}

async function send(pat: Pat, notice: ExpiryNotice, now: number): Promise<void> {
  const result = await eventBridge().send(
    new PutEventsCommand({
      Entries: [
        {
          Source: EVENT_SOURCE,
          DetailType: notice.detailType,
          EventBusName: env.eventBusName(),
          Time: new Date(now),
          Detail: JSON.stringify({
            userId: pat.userId,
            name: pat.name,
            expiresAt: pat.expiresAt,
            expiresAtIso: new Date(pat.expiresAt!).toISOString(),
            threshold: notice.threshold,
          }),
        },
      ],
    }),
  );
  if (result.FailedEntryCount) throw new Error(`PutEvents refused the event: ${result.Entries?.[0]?.ErrorCode}`);
}
