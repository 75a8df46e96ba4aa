/**
 * The maintenance function, outside the route table: run on a schedule (and once by `cdk deploy`, before
 * the handlers are updated). It finishes what requests leave bounded: the legacy-user, PAT-id, PAT-lifecycle and
 * membership-index migrations (each until a run finds nothing left), removing PATs of ended epochs (deleted users,
 * revoke-all) and memberships of deleted organizations beyond what the request removed inline; and the PAT expiry
 * notices (expiry-notices.ts), which the 5-minute schedule suits.
 */
import { logger } from '../shared/observability';
import { purgeDeletedOrganizations } from '../shared/store/organizations';
import { purgePats } from '../shared/store/pats';
import {
  assignPatIds,
  backfillPatLifecycle,
  indexMemberships,
  migrateLegacyUsers,
  type LifecycleBackfill,
} from '../shared/store/migration';
import { pendingPurges } from '../shared/store/users';
import { sendExpiryNotices, type ExpiryNoticeReport } from './expiry-notices';

/** PATs removed per pending purge per turn; a purge that needs more continues at the next run. */
const PURGE_BUDGET = 2000;
/** Leaves headroom below the function timeout. */
const RUN_BUDGET_MS = 45_000;

export interface MaintenanceReport {
  migratedUsers: number | 'already done';
  /** PATs from before PAT ids that got one this run. */
  patIdsAssigned: number | 'already done';
  /** Memberships from before a user's organizations were listable that were put in the index this run. */
  membershipsIndexed: number | 'already done';
  /** PATs from before the lifecycle version that got issuedAt / their expiry-day index entry this run. */
  patLifecycleBackfill: LifecycleBackfill | 'already done';
  purgesCompleted: number;
  purgesPending: number;
  /** Deleted organizations whose left-over memberships were all removed this run, and those with more left. */
  organizationPurges: { completed: number; pending: number };
  expiryNotices: ExpiryNoticeReport;
}

export async function handler(): Promise<MaintenanceReport> {
  const started = Date.now();
  const migratedUsers = await migrateLegacyUsers(started);
  const patIdsAssigned = await assignPatIds();
  const membershipsIndexed = await indexMemberships();
  const patLifecycleBackfill = await backfillPatLifecycle();
  const outOfTime = () => Date.now() - started > RUN_BUDGET_MS;
  let purgesCompleted = 0;
  let purgesPending = 0;
  for (const purge of await pendingPurges()) {
    if (!outOfTime() && (await purgePats(purge, PURGE_BUDGET))) purgesCompleted++;
    else purgesPending++;
  }
  const organizationPurges = await purgeDeletedOrganizations(PURGE_BUDGET, outOfTime);
  const expiryNotices = await sendExpiryNotices(started);
  const report = {
    migratedUsers,
    patIdsAssigned,
    patLifecycleBackfill,
    membershipsIndexed,
    purgesCompleted,
    purgesPending,
    organizationPurges,
    expiryNotices,
  };
  logger.info('maintenance run', { ...report });
  return report;
}
