/** Response bodies of users and PATs, as Logto shapes them. */
import type { Pat } from '../shared/model/pat';
import type { User } from '../shared/model/user';

/** Logto's user profile response; patgate has no passwords, identities or sign-ins to report. */
export function userView(user: User) {
  return {
    id: user.id,
    username: user.username,
    primaryEmail: user.primaryEmail,
    primaryPhone: user.primaryPhone,
    name: user.name,
    avatar: user.avatar,
    customData: user.customData,
    identities: {},
    lastSignInAt: null,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    profile: {},
    applicationId: null,
    isSuspended: user.isSuspended,
    hasPassword: false,
  };
}

/** The public view of a PAT: everything but its hashes and epoch. */
export function patView(pat: Pat) {
  return {
    userId: pat.userId,
    name: pat.name,
    createdAt: pat.createdAt,
    expiresAt: pat.expiresAt,
    scopes: pat.scopes,
    lastUsedAt: pat.lastUsedAt,
    lastClientId: pat.lastClientId ?? null,
    lastSourceIp: pat.lastSourceIp ?? null,
    rotatedAt: pat.rotatedAt ?? null,
    revokedAt: pat.revokedAt ?? null,
    revokedReason: pat.revokedReason ?? null,
  };
}
