/**
 * Single-table layout. Every item has `pk` and `sk`; listable entities also carry `gsi1pk`/`gsi1sk`
 * (index `gsi1`). Items that should disappear on their own carry `ttl` (epoch seconds).
 *
 * | item                 | pk                        | sk                  | notes                                        |
 * |----------------------|---------------------------|---------------------|----------------------------------------------|
 * | PAT                  | USER#{userId}             | PAT#{sha256(name)}  | name, tokenHash, createdAt, expiresAt, ...   |
 * | PAT hash lookup      | PATHASH#{sha256(value)}   | PATHASH             | userId, name, expiresAt, scopes, patEpoch    |
 * | user                 | USER#{userId}             | USER                | gsi1pk=USER, profile, isSuspended, patEpoch  |
 * | (PAT, expiring)      |                           |                     | gsi1pk=PATEXP#{day of expiresAt, UTC}, gsi1sk=expiresAt |
 * | PATs being purged    | USER#{userId}             | PURGE#{patEpoch}    | gsi1pk=PURGE: PATs of an ended epoch to remove|
 * | PAT count guard      | USER#{userId}             | PATGUARD            | nonce, tracked PAT sks (maxPerUser); ttl 1 day|
 * | unique identifier    | UNIQUE#{kind}#{value}     | UNIQUE              | userId (kind: username, email, phone)        |
 * | application          | APP#{id}                  | APP                 | gsi1pk=APP, secretHash, allowTokenExchange   |
 * | API resource         | RES#{id}                  | RES                 | gsi1pk=RES                                   |
 * | resource by indicator| RESIND#{indicator}        | RESIND              | copy of the resource (resources are immutable)|
 * | PAT by id            | PATID#{patId}             | PATID               | userId, patEpoch, expiresAt (introspection)  |
 * | revoked access token | REVOKED#{jti}             | REVOKED             | ttl = the token's exp                        |
 * | audit event          | AUDIT#USER#{id} / #APP#.. | {ISO time}#{eventId}| gsi1pk=AUDIT; ttl = time + retention         |
 * | resource by indicator| RESIND#{indicator}        | RESIND              | copy of the resource, written with it        |
 * | role                 | ROLE#{id}                 | ROLE                | gsi1pk=ROLE, scopes: [{resourceId, scopeId}] |
 * | role name            | ROLENAME#{name}           | ROLENAME            | roleId (names are unique)                    |
 * | a user's roles       | USERROLES#{userId}        | USERROLES           | roleIds, userCreatedAt                       |
 * | organization         | ORG#{id}                  | ORG                 | gsi1pk=ORG                                   |
 * | org being purged     | ORG#{id}                  | PURGE               | gsi1pk=ORGPURGE: members of a deleted org left|
 * | organization scope   | ORGSCOPE#{id}             | ORGSCOPE            | gsi1pk=ORGSCOPE                              |
 * | organization role    | ORGROLE#{id}              | ORGROLE             | gsi1pk=ORGROLE, scopeIds                     |
 * | org scope/role name  | ORGNAME#{kind}#{name}     | ORGNAME             | id (names are unique per kind)               |
 * | membership           | ORGMEMBER#{orgId}         | USER#{userId}       | roleIds, userCreatedAt, gsi1pk=USERORGS#{userId} |
 *
 * The PAT sort key hashes the name so any 256-character name fits DynamoDB's 1024-byte sort key limit.
 * The hash lookup item copies what the token endpoint needs of the PAT; the token endpoint then reads the
 * owner's user item (suspension, patEpoch) beside KMS Sign. Writes keep the copies consistent with
 * TransactWriteItems.
 * IAM policies restrict each function to the key prefixes it uses (dynamodb:LeadingKeys).
 */
import { createHash } from 'node:crypto';

export const GSI1 = 'gsi1';

/** The table's key schema, shared by the CDK stack and the local bootstrap so the two cannot drift. */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: GSI1, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  ttlAttribute: 'ttl',
} as const;

export const keyPrefix = {
  user: 'USER#',
  patHash: 'PATHASH#',
  application: 'APP#',
  resource: 'RES#',
  resourceIndicator: 'RESIND#',
  unique: 'UNIQUE#',
  /** A PAT by its stable id (issue 16): what introspection reads, with the owner, for a token's `pat_id`. */
  patId: 'PATID#',
  /** An access token revoked before its exp (by jti), until then (TTL). */
  revokedJti: 'REVOKED#',
  audit: 'AUDIT#',
  role: 'ROLE#',
  roleName: 'ROLENAME#',
  userRoles: 'USERROLES#',
  organization: 'ORG#',
  organizationScope: 'ORGSCOPE#',
  organizationRole: 'ORGROLE#',
  organizationName: 'ORGNAME#',
  membership: 'ORGMEMBER#',
} as const;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

export const keys = {
  pat: (userId: string, name: string) => ({ pk: `${keyPrefix.user}${userId}`, sk: `PAT#${digest(name)}` }),
  patHash: (tokenHash: string) => ({ pk: `${keyPrefix.patHash}${tokenHash}`, sk: 'PATHASH' }),
  user: (userId: string) => ({ pk: `${keyPrefix.user}${userId}`, sk: 'USER' }),
  /**
   * maxPerUser's guard (store/pats.ts checkLimit): a nonce and the PATs counted writes made live. Apart from the
   * user item, which profile updates Put whole.
   */
  patGuard: (userId: string) => ({ pk: `${keyPrefix.user}${userId}`, sk: 'PATGUARD' }),
  /** Marks PATs of one patEpoch of a user (deleted, or all revoked) that are still to be removed. */
  userPurge: (userId: string, patEpoch: string) => ({ pk: `${keyPrefix.user}${userId}`, sk: `PURGE#${patEpoch}` }),
  /** Usernames and emails are unique case-insensitively, as in Logto. */
  unique: (kind: UniqueKind, value: string) => ({
    pk: `${keyPrefix.unique}${kind}#${value.toLowerCase()}`,
    sk: 'UNIQUE',
  }),
  patId: (id: string) => ({ pk: `${keyPrefix.patId}${id}`, sk: 'PATID' }),
  revokedJti: (jti: string) => ({ pk: `${keyPrefix.revokedJti}${jti}`, sk: 'REVOKED' }),
  application: (id: string) => ({ pk: `${keyPrefix.application}${id}`, sk: 'APP' }),
  resource: (id: string) => ({ pk: `${keyPrefix.resource}${id}`, sk: 'RES' }),
  resourceByIndicator: (indicator: string) => ({ pk: `${keyPrefix.resourceIndicator}${indicator}`, sk: 'RESIND' }),
  role: (id: string) => ({ pk: `${keyPrefix.role}${id}`, sk: 'ROLE' }),
  roleName: (name: string) => ({ pk: `${keyPrefix.roleName}${name}`, sk: 'ROLENAME' }),
  /** Apart from the user item, so the admin function can write it without any right on USER# items. */
  userRoles: (userId: string) => ({ pk: `${keyPrefix.userRoles}${userId}`, sk: 'USERROLES' }),
  organization: (id: string) => ({ pk: `${keyPrefix.organization}${id}`, sk: 'ORG' }),
  /** Marks a deleted organization whose memberships are still to be removed. */
  organizationPurge: (id: string) => ({ pk: `${keyPrefix.organization}${id}`, sk: 'PURGE' }),
  organizationScope: (id: string) => ({ pk: `${keyPrefix.organizationScope}${id}`, sk: 'ORGSCOPE' }),
  organizationRole: (id: string) => ({ pk: `${keyPrefix.organizationRole}${id}`, sk: 'ORGROLE' }),
  organizationName: (kind: 'scope' | 'role', name: string) => ({
    pk: `${keyPrefix.organizationName}${kind}#${name}`,
    sk: 'ORGNAME',
  }),
  membership: (organizationId: string, userId: string) => ({
    pk: `${keyPrefix.membership}${organizationId}`,
    sk: `USER#${userId}`,
  }),
  /** A membership is also in gsi1 under its user, so a user's organizations are one Query. */
  membershipByUser: (userId: string, organizationId: string) => ({
    gsi1pk: `${userOrganizationsPrefix}${userId}`,
    gsi1sk: organizationId,
  }),
  /**
   * A PAT with an expiry is listed in gsi1 under the UTC day it expires, so the expiry-notice job reads
   * only the few days around now, never the table.
   */
  patExpiry: (expiresAt: number) => ({
    gsi1pk: patExpiryPartition(expiresAt),
    gsi1sk: String(expiresAt).padStart(16, '0'),
  }),
};

export const patExpiryPrefix = 'PATEXP#';
/** gsi1 partitions of a user's memberships (one per user). */
export const userOrganizationsPrefix = 'USERORGS#';
export const patExpiryPartition = (time: number) => `${patExpiryPrefix}${new Date(time).toISOString().slice(0, 10)}`;

export type UniqueKind = 'username' | 'email' | 'phone';

export const patSortKeyPrefix = 'PAT#';
/** Markers of data migrations that have run. */
export const migrationPrefix = 'MIGRATION#';
export const listPartition = {
  application: 'APP',
  resource: 'RES',
  user: 'USER',
  purge: 'PURGE',
  organizationPurge: 'ORGPURGE',
  audit: 'AUDIT',
  role: 'ROLE',
  organization: 'ORG',
  organizationScope: 'ORGSCOPE',
  organizationRole: 'ORGROLE',
} as const;
