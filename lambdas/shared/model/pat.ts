/**
 * Personal access tokens and the rules the token endpoint applies to them. Pure: no storage, no HTTP.
 */
import type { UserStanding } from './user';

export interface Pat {
  /**
   * Stable, non-secret id (kept across renames), carried by issued tokens as `pat_id`. Null only for a
   * PAT created before ids existed, until the maintenance migration gives it one.
   */
  id: string | null;
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number | null;
  scopes: string[] | null;
  lastUsedAt: number | null;
  /** The owner's PAT epoch when the PAT was created (see User.patEpoch). */
  patEpoch: string;
  /** Client and source IP of the exchange that last wrote lastUsedAt. */
  lastClientId?: string | null;
  lastSourceIp?: string | null;
  /** When the current value was issued by a rotation (createdAt stays the PAT's own). */
  rotatedAt?: number | null;
  /** Hash of the value the last rotation replaced: its rotated-out lookup item goes with the PAT. */
  previousHash?: string | null;
  previousGraceUntil?: number | null;
  /** Set when reuse of a rotated-out value revoked the PAT: the PAT stays listed, dead, with the reason. */
  revokedAt?: number | null;
  revokedReason?: string | null;
  /** The last expiry notice sent (see expiryNoticeDue); reset when the expiry changes. */
  expiryNoticeLevel?: number | null;
}

/** When the PAT's current value was issued: a rotation gives the value a new age. */
export const valueIssuedAt = (pat: Pat) => pat.rotatedAt ?? pat.createdAt;

/** What the token endpoint reads, in one GetItem, for a PAT value's hash. */
export interface PatCredential {
  /** The PAT's id (Pat.id); null for a PAT the migration hasn't reached yet. */
  id: string | null;
  userId: string;
  name: string;
  expiresAt: number | null;
  scopes: string[] | null;
  patEpoch: string;
  /** When this value was issued (creation or rotation); null on lookup items written before it was recorded. */
  issuedAt: number | null;
  /** Last recorded use (to the last-used interval); null when never used or not recorded. */
  lastUsedAt: number | null;
  /** Present when this value was rotated out: it works until graceUntil, and is reuse after that. */
  rotatedOut?: { graceUntil: number };
}

/**
 * A deployment's lifetime policy (CDK props, surfaced as environment variables). Durations in
 * milliseconds; null means no limit.
 */
export interface PatPolicy {
  requireExpiry: boolean;
  defaultLifetimeMs: number | null;
  maxLifetimeMs: number | null;
  maxPerUser: number | null;
  revokeUnusedAfterMs: number | null;
  /** Longest grace period a rotation may give the value it replaces. */
  maxRotationGraceMs: number;
  /**
   * A rotated-out value presented this soon after its grace is refused but not treated as reuse: a client
   * racing the rotation (a request in flight with the old value) must not revoke the new value.
   */
  reuseToleranceMs: number;
  /** Who set a rule when it isn't the deployment (an application's or a resource's override, see pat-policy.ts). */
  origin?: PatPolicyOrigin;
}

export type PatPolicyOrigin = Partial<Record<'requireExpiry' | 'maxLifetimeMs' | 'revokeUnusedAfterMs', string>>;

export const noPolicy: PatPolicy = {
  requireExpiry: false,
  defaultLifetimeMs: null,
  maxLifetimeMs: null,
  maxPerUser: null,
  revokeUnusedAfterMs: null,
  maxRotationGraceMs: 3600_000,
  reuseToleranceMs: 30_000,
};

/**
 * Why a PAT can't be exchanged. The caller is told about expiry and the policy (the owner can act on
 * those); a rotated-out value is just invalid to the caller, and `reused` also revokes the PAT.
 */
export type PatRefusal = 'unusable' | 'expired' | 'no_expiry' | 'too_old' | 'unused' | 'reused';

/** The PAT's own rules and the policy's, checked before anything is signed. */
export function credentialRefusal(
  credential: PatCredential | undefined,
  now: number,
  policy: PatPolicy = noPolicy,
): PatRefusal | undefined {
  if (!credential) return 'unusable';
  if (credential.rotatedOut && now >= credential.rotatedOut.graceUntil) {
    return now >= credential.rotatedOut.graceUntil + policy.reuseToleranceMs ? 'reused' : 'unusable';
  }
  if (credential.expiresAt !== null && credential.expiresAt <= now) return 'expired';
  if (policy.requireExpiry && credential.expiresAt === null) return 'no_expiry';
  if (
    policy.maxLifetimeMs !== null &&
    credential.issuedAt !== null &&
    credential.issuedAt + policy.maxLifetimeMs <= now
  ) {
    return 'too_old';
  }
  // A rotation counts as activity: the new value starts its own unused period.
  const lastActive = Math.max(credential.lastUsedAt ?? -Infinity, credential.issuedAt ?? -Infinity);
  if (policy.revokeUnusedAfterMs !== null && lastActive > -Infinity && lastActive + policy.revokeUnusedAfterMs <= now) {
    return 'unused';
  }
  return undefined;
}

/** A policy duration as people read it: whole days when it is some, else seconds. */
const days = (ms: number) => {
  const value = ms / 86_400_000;
  if (value >= 1 && Number.isInteger(value)) return value === 1 ? '1 day' : `${value} days`;
  return ms === 1000 ? '1 second' : `${ms / 1000} seconds`;
};

/** What the token endpoint tells the caller, with the policy's numbers and whose policy it is. */
export function refusalDescription(refusal: PatRefusal, policy: PatPolicy): string {
  const whose = (rule: keyof PatPolicyOrigin) => {
    const origin = policy.origin?.[rule];
    return origin === undefined ? 'this deployment' : `the ${origin}`;
  };
  switch (refusal) {
    case 'expired':
      return 'The personal access token has expired.';
    case 'no_expiry':
      return `The personal access token never expires, and ${whose('requireExpiry')} requires personal access tokens to expire; create one with expiresAt.`;
    case 'too_old':
      return `The personal access token is older than the maximum lifetime of ${days(policy.maxLifetimeMs!)} ${whose('maxLifetimeMs')} allows; rotate it or create a new one.`;
    case 'unused':
      return `The personal access token was unused for longer than the ${days(policy.revokeUnusedAfterMs!)} ${whose('revokeUnusedAfterMs')} allows; create a new one.`;
    default:
      return 'The subject_token is invalid.';
  }
}

export type CreationRefusal = { message: string };

/**
 * The expiry a new (or rotated) PAT gets under the policy, or why it can't have the one asked for.
 * `requested` undefined: none given (the default lifetime applies); null: explicitly none.
 */
export function policyExpiry(
  requested: number | null | undefined,
  now: number,
  policy: PatPolicy,
): { expiresAt: number | null } | CreationRefusal {
  const expiresAt =
    requested === undefined ? (policy.defaultLifetimeMs === null ? null : now + policy.defaultLifetimeMs) : requested;
  if (expiresAt === null) {
    if (policy.requireExpiry || policy.maxLifetimeMs !== null) {
      const most = policy.maxLifetimeMs === null ? '' : ` at most ${days(policy.maxLifetimeMs)} from now`;
      return { message: `This deployment requires personal access tokens to expire: give expiresAt${most}.` };
    }
    return { expiresAt: null };
  }
  if (policy.maxLifetimeMs !== null && expiresAt > now + policy.maxLifetimeMs) {
    return {
      message: `expiresAt is beyond the maximum lifetime of ${days(policy.maxLifetimeMs)} this deployment allows (latest: ${now + policy.maxLifetimeMs}).`,
    };
  }
  return { expiresAt };
}

/** Whether the PAT is dead for good (revoked on reuse) or by time; such PATs don't count against maxPerUser. */
export const isLive = (pat: Pat, now: number) => !pat.revokedAt && (pat.expiresAt === null || pat.expiresAt > now);

/**
 * The owner's: it must exist, still be in the PAT epoch the PAT was created in (no revoke-all, delete or
 * re-registration since), and not be suspended.
 */
export function ownerRefusal(credential: PatCredential, owner: UserStanding | undefined): PatRefusal | undefined {
  if (!owner || owner.isSuspended || owner.patEpoch !== credential.patEpoch) return 'unusable';
  return undefined;
}

/** A token never outlives the PAT it came from: its expiry (epoch seconds) is clamped to the PAT's. */
export function clampExpiry(issuedAt: number, lifetimeSeconds: number, patExpiresAt: number | null): number {
  const exp = issuedAt + lifetimeSeconds;
  return patExpiresAt === null ? exp : Math.min(exp, Math.floor(patExpiresAt / 1000));
}

/** Expiry notices, in order: each is sent at most once per PAT (and expiry). */
export const expiryNotices = [
  { level: 1, threshold: '7d', beforeMs: 7 * 86_400_000, detailType: 'patgate.pat.expiring' },
  { level: 2, threshold: '1d', beforeMs: 86_400_000, detailType: 'patgate.pat.expiring' },
  { level: 3, threshold: 'expired', beforeMs: 0, detailType: 'patgate.pat.expired' },
] as const;
export type ExpiryNotice = (typeof expiryNotices)[number];

/**
 * The notice a PAT is due at `now`, if one it hasn't had: the most urgent that applies (a PAT created to
 * expire in 12 hours gets the 1-day warning, not the 7-day one too). Revoked PATs get none.
 */
export function expiryNoticeDue(pat: Pat, now: number): ExpiryNotice | undefined {
  if (pat.expiresAt === null || pat.revokedAt) return undefined;
  const due = [...expiryNotices].reverse().find((notice) => pat.expiresAt! - notice.beforeMs <= now);
  return due && due.level > (pat.expiryNoticeLevel ?? 0) ? due : undefined;
}
