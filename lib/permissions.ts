/**
 * What each function may do, and nothing more. DynamoDB access is narrowed to the key prefixes a function
 * owns (dynamodb:LeadingKeys, prefixes from lambdas/shared/store/keys.ts), KMS access to the published
 * signing keys. CloudWatch Logs and X-Ray permissions are added where the function is created.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { FunctionName } from './functions';
import {
  GSI1,
  keyPrefix,
  listPartition,
  migrationPrefix,
  patExpiryPrefix,
  userOrganizationsPrefix,
} from '../lambdas/shared/store/keys';
import { EVENT_SOURCE } from '../lambdas/shared/events';

export interface GrantedResources {
  readonly table: dynamodb.ITable;
  /**
   * The keys the signing aliases point to. The token function may sign with any of them, not only the
   * current one: during a rotation, warm containers keep using the key they resolved for
   * KEY_CACHE_TTL_SECONDS, and CloudFormation does not update aliases and policies atomically.
   */
  readonly signingKeys: readonly kms.IKey[];
}

export function permissionsFor(handler: FunctionName, resources: GrantedResources): iam.PolicyStatement[] {
  return policies[handler](resources);
}

const policies: Record<FunctionName, (resources: GrantedResources) => iam.PolicyStatement[]> = {
  token: ({ table, signingKeys }) => [
    // Resolve the PAT, its owner, the client application and the requested API resource.
    onItems(
      table,
      ['dynamodb:GetItem'],
      [keyPrefix.patHash, keyPrefix.user, keyPrefix.application, keyPrefix.resourceIndicator],
    ),
    // BatchGetItem: the PAT lookup with the application and resource a cold container doesn't know yet; the owner
    // with the owner's roles, or with membership and organization, or (self-service) with the PAT item (IAM checks
    // all of a request's keys against one statement's prefixes).
    onItems(
      table,
      ['dynamodb:BatchGetItem'],
      [
        keyPrefix.patHash,
        keyPrefix.application,
        keyPrefix.resourceIndicator,
        keyPrefix.user,
        keyPrefix.userRoles,
        keyPrefix.membership,
        keyPrefix.organization,
      ],
    ),
    // Role and organization role and scope definitions (cached): which scopes each role grants.
    onIndexPartitions(table, [listPartition.role, listPartition.organizationRole, listPartition.organizationScope]),
    // Record when a PAT was last used (PAT item and lookup, one TransactWriteItems: IAM checks each of its updates as an
    // UpdateItem); on reuse of a rotated-out value, revoke the PAT.
    onItems(table, ['dynamodb:UpdateItem'], [keyPrefix.user, keyPrefix.patHash]),
    // Revoking a PAT (reuse of a rotated-out value, or its holder's DELETE /me/personal-access-token): its current
    // value's lookup and its id item go, with an audit event.
    onItems(table, ['dynamodb:DeleteItem'], [keyPrefix.patHash, keyPrefix.patId]),
    onItems(table, ['dynamodb:PutItem'], [keyPrefix.audit]),
    onKeys(signingKeys, ['kms:Sign', 'kms:GetPublicKey']),
  ],

  discovery: ({ signingKeys }) => [onKeys(signingKeys, ['kms:GetPublicKey'])],

  pats: ({ table }) => [
    // PATs and the user's state (also checked inside the transaction that creates a PAT).
    onItems(table, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'], [keyPrefix.user]),
    // Single-item writes and TransactWriteItems' puts, updates and deletes: PAT items, their hash lookups and ids.
    onItems(
      table,
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      [keyPrefix.user, keyPrefix.patHash, keyPrefix.patId, keyPrefix.unique],
    ),
    // Audit events, put in the transaction of each change.
    onItems(table, ['dynamodb:PutItem'], [keyPrefix.audit]),
    // Listing users: the index partition of users only.
    onIndexPartitions(table, [listPartition.user]),
  ],

  maintenance: ({ table }) => [
    // Pending purges' PATs (USER#) and the migration's marker and users.
    onItems(table, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], [keyPrefix.user, migrationPrefix]),
    // Removing PATs of ended epochs: PAT items, their lookups and ids, and the purge marker.
    onItems(table, ['dynamodb:DeleteItem'], [keyPrefix.user, keyPrefix.patHash, keyPrefix.patId]),
    // The PAT-id migration: ids onto PAT items and their lookups, and the PATID# items.
    onItems(table, ['dynamodb:UpdateItem'], [keyPrefix.user, keyPrefix.patHash]),
    onItems(table, ['dynamodb:PutItem'], [keyPrefix.patId]),
    onIndexPartitions(table, [listPartition.purge, listPartition.organization, listPartition.organizationPurge]),
    // Indexing memberships written before a user's organizations were listable: each organization's memberships.
    onItems(table, ['dynamodb:Query', 'dynamodb:UpdateItem'], [keyPrefix.membership]),
    // Removing the memberships a deleted organization left, then its purge marker (ORG#{id} / PURGE).
    onItems(table, ['dynamodb:DeleteItem'], [keyPrefix.membership, keyPrefix.organization]),
    // The one-off legacy-user migration reads the whole table; Scan has no leading keys to restrict.
    new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.tableArn] }),
    // Expiry notices: PATs by expiry day, the notice level on the PAT item, and the events themselves.
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${GSI1}`],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${patExpiryPrefix}*`] } },
    }),
    onItems(table, ['dynamodb:UpdateItem'], [keyPrefix.user]),
    new iam.PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [Stack.of(table).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: { StringEquals: { 'events:source': EVENT_SOURCE } },
    }),
  ],

  admin: ({ table }) => [
    onItems(
      table,
      ['dynamodb:GetItem'],
      [keyPrefix.application, keyPrefix.resource, keyPrefix.role, keyPrefix.userRoles, keyPrefix.user],
    ),
    // A resource and its indicator item are put and deleted together, as are a role and its name; only
    // applications are updated in place. Users are only read (a role assignment checks its user exists).
    onItems(
      table,
      ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
      [
        keyPrefix.application,
        keyPrefix.resource,
        keyPrefix.resourceIndicator,
        keyPrefix.role,
        keyPrefix.roleName,
        keyPrefix.userRoles,
      ],
    ),
    onItems(table, ['dynamodb:UpdateItem'], [keyPrefix.application]),
    onItems(table, ['dynamodb:ConditionCheckItem'], [keyPrefix.user]),
    // Audit events: put with each change; read per user (AUDIT#USER#…) and, through the index, all of them.
    onItems(table, ['dynamodb:PutItem', 'dynamodb:Query'], [keyPrefix.audit]),
    // Listing applications, resources, roles, audit events.
    onIndexPartitions(table, [
      listPartition.application,
      listPartition.resource,
      listPartition.role,
      listPartition.audit,
    ]),
  ],

  organizations: ({ table }) => [
    onItems(
      table,
      ['dynamodb:GetItem'],
      [
        keyPrefix.organization,
        keyPrefix.organizationScope,
        keyPrefix.organizationRole,
        keyPrefix.membership,
        keyPrefix.user,
      ],
    ),
    // An organization and its name are put and deleted together; members are put and deleted with their
    // organization's condition check. Users are only read and condition-checked (a member must exist).
    onItems(
      table,
      ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
      [
        keyPrefix.organization,
        keyPrefix.organizationScope,
        keyPrefix.organizationRole,
        keyPrefix.organizationName,
        keyPrefix.membership,
      ],
    ),
    onItems(table, ['dynamodb:UpdateItem'], [keyPrefix.organization]),
    onItems(table, ['dynamodb:ConditionCheckItem'], [keyPrefix.user, keyPrefix.organization]),
    // An organization's members.
    onItems(table, ['dynamodb:Query'], [keyPrefix.membership]),
    // Audit events are put with each change (reading them is the admin function's).
    onItems(table, ['dynamodb:PutItem'], [keyPrefix.audit]),
    // Listing organizations, organization scopes and roles.
    onIndexPartitions(table, [
      listPartition.organization,
      listPartition.organizationScope,
      listPartition.organizationRole,
    ]),
    // A user's organizations: the user's memberships, one index partition per user.
    onIndexPartitionPrefix(table, userOrganizationsPrefix),
  ],

  revocation: ({ table, signingKeys }) => [
    // Client authentication; introspection's BatchGetItem (PAT by id, owner, jti mark); revocation's PAT reads.
    onItems(table, ['dynamodb:GetItem'], [keyPrefix.application, keyPrefix.user, keyPrefix.patHash]),
    onItems(table, ['dynamodb:BatchGetItem'], [keyPrefix.patId, keyPrefix.user, keyPrefix.revokedJti]),
    // Deleting a revoked PAT (its item, lookup and id) and marking a jti revoked, each with its audit event.
    onItems(table, ['dynamodb:DeleteItem'], [keyPrefix.user, keyPrefix.patHash, keyPrefix.patId]),
    onItems(table, ['dynamodb:PutItem'], [keyPrefix.revokedJti, keyPrefix.audit]),
    // Verifying access tokens against the published keys.
    onKeys(signingKeys, ['kms:GetPublicKey']),
  ],

  credentials: ({ table }) => [
    // Finding the leaked values' lookups in batches, then each PAT (lookup and item) before deleting it.
    onItems(table, ['dynamodb:BatchGetItem'], [keyPrefix.patHash]),
    onItems(table, ['dynamodb:GetItem'], [keyPrefix.patHash, keyPrefix.user]),
    // Deleting a leaked PAT (its item, lookup and id) with its audit event; no keys, no other items.
    onItems(table, ['dynamodb:DeleteItem'], [keyPrefix.user, keyPrefix.patHash, keyPrefix.patId]),
    onItems(table, ['dynamodb:PutItem'], [keyPrefix.audit]),
  ],
};

/** Table actions limited to items whose partition key starts with one of the prefixes. */
function onItems(table: dynamodb.ITable, actions: string[], prefixes: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) },
    },
  });
}

/** Queries of the listing index, limited to the given partitions (kinds of item). */
function onIndexPartitions(table: dynamodb.ITable, partitions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [`${table.tableArn}/index/${GSI1}`],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': partitions } },
  });
}

/** Queries of the listing index, limited to partitions starting with the prefix (one per user, say). */
function onIndexPartitionPrefix(table: dynamodb.ITable, prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [`${table.tableArn}/index/${GSI1}`],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } },
  });
}

function onKeys(keys: readonly kms.IKey[], actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources: keys.map((key) => key.keyArn) });
}
