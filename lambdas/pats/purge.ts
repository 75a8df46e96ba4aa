import { purgePats } from '../shared/store/pats';
import type { PendingPurge } from '../shared/store/users';

/**
 * PATs removed inside a delete or revoke-all request (they already stopped working with its one write);
 * a user with more is finished by the maintenance function, so a request never fans out without bound.
 */
export const INLINE_PURGE_LIMIT = 200;

export const purgeInline = (purge: PendingPurge) => purgePats(purge, INLINE_PURGE_LIMIT);
