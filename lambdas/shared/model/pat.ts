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
}

/** What the token endpoint reads, in one GetItem, for a PAT value's hash. */
export interface PatCredential {
  /** The PAT's id (Pat.id); null for a PAT the migration hasn't reached yet. */
  id: string | null;
  userId: string;
  name: string;
  expiresAt: number | null;
  scopes: string[] | null;
  patEpoch: string;
}

/** Why a PAT can't be exchanged, as the token endpoint tells the caller: only expiry is worth saying. */
export type PatRefusal = 'unusable' | 'expired';

/** The PAT's own rules, checked before anything is signed. */
export function credentialRefusal(credential: PatCredential | undefined, now: number): PatRefusal | undefined {
  if (!credential) return 'unusable';
  if (credential.expiresAt !== null && credential.expiresAt <= now) return 'expired';
  return undefined;
}

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
