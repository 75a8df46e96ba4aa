/**
 * Users, as Logto's Management API shows them. patgate keeps no passwords or identities: its users
 * usually live in another directory, and patgate only needs to know they exist and are not suspended.
 */
export interface UserProfile {
  username: string | null;
  primaryEmail: string | null;
  primaryPhone: string | null;
  name: string | null;
  avatar: string | null;
  customData: Record<string, unknown>;
}

export interface User extends UserProfile {
  id: string;
  isSuspended: boolean;
  createdAt: number;
  updatedAt: number;
  /**
   * PATs carry the epoch they were created in; a new one starts when the id is registered and when all
   * of the user's PATs are revoked. So revoke-all is one write, and deleting a user and registering the
   * same id again can never bring the old PATs back.
   */
  patEpoch: string;
}

/** What the token endpoint needs of a user: does it exist as the PAT's owner, and may it act. */
export interface UserStanding {
  patEpoch: string;
  isSuspended: boolean;
  /** Tells role assignments of this user from those of an earlier user with the same id. */
  createdAt?: number;
}

/**
 * The epoch of PATs written before users were registered (patgate ≤ 0.1): the migration gives their
 * users this one, so their PATs keep working.
 */
export const LEGACY_PAT_EPOCH = 'legacy';
