/**
 * The audit trail. Every management change puts one audit event in the SAME TransactWriteItems as the
 * change itself (`auditPut`), so a change without its event, or an event without its change, can't
 * exist. An event names the action, the target and the caller (IAM ARN, source IP, request id): never a
 * PAT value, hash or secret.
 *
 * The caller is a value passed down from the request: shared/http/handler.ts builds it from the event and
 * hands it to the operation, and every store function that writes an event takes it as its first parameter,
 * so no change can be made without naming who made it. (Passed, not kept in an async context: on Node 20 the
 * first context `run` turns on promise hooks for the whole process, and every later promise pays for them.)
 *
 * Items: pk AUDIT#{target partition} (AUDIT#USER#{userId}, AUDIT#APP#{id}, AUDIT#RES#{id}), sk
 * {ISO time}#{event id}; all events in the index partition AUDIT (gsi1sk the same), newest first for
 * listing; `ttl` = time + the retention (AUDIT_RETENTION_SECONDS, default one year).
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { guarded } from '../aws/dependency-errors';
import { env } from '../config';
import { GSI1, keyPrefix, listPartition } from './keys';
import type { TransactItems } from './transactions';

export interface AuditCaller {
  /** The IAM ARN API Gateway authenticated, or `public` for unauthenticated routes (e.g. /credentials/revoke). */
  callerArn: string;
  sourceIp: string | null;
  requestId: string | null;
}

export type AuditAction =
  | 'user.created'
  | 'user.updated'
  | 'user.suspended'
  | 'user.unsuspended'
  | 'user.deleted'
  | 'pat.created'
  | 'pat.renamed'
  | 'pat.deleted'
  | 'pat.revoked_all'
  | 'pat.revoked'
  | 'pat.revoked_public'
  | 'pat.rotated'
  | 'pat.revoked_reuse'
  | 'pat.revoked_self'
  | 'token.revoked'
  | 'application.created'
  | 'application.updated'
  | 'application.deleted'
  | 'resource.created'
  | 'resource.updated'
  | 'resource.deleted'
  | 'resource.scope_created'
  | 'resource.scope_updated'
  | 'resource.scope_deleted'
  | 'role.created'
  | 'role.updated'
  | 'role.deleted'
  | 'role.scopes_added'
  | 'role.scope_removed'
  | 'user.roles_assigned'
  | 'user.role_removed'
  | 'organization.created'
  | 'organization.updated'
  | 'organization.deleted'
  | 'organization.member_added'
  | 'organization.member_removed'
  | 'organization.member_roles_assigned'
  | 'organization.member_role_removed'
  | 'organization_scope.created'
  | 'organization_scope.updated'
  | 'organization_scope.deleted'
  | 'organization_role.created'
  | 'organization_role.updated'
  | 'organization_role.deleted'
  | 'organization_role.scopes_added'
  | 'organization_role.scope_removed'
  | (string & {});

/** What an event is about. A PAT event names its owner (userId), the PAT's name and its id. */
export interface AuditTarget {
  userId?: string;
  patName?: string;
  patId?: string;
  applicationId?: string;
  resourceId?: string;
  /** Non-secret facts about the change (e.g. a rename's previous name, an access token's jti). */
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditEvent extends AuditTarget {
  id: string;
  at: number;
  action: string;
  callerArn: string;
  sourceIp: string | null;
  requestId: string | null;
}

export const AUDIT_PREFIX = keyPrefix.audit;

function partitionOf(target: AuditTarget): string {
  if (target.userId !== undefined) return `${AUDIT_PREFIX}${keyPrefix.user}${target.userId}`;
  if (target.applicationId !== undefined) return `${AUDIT_PREFIX}${keyPrefix.application}${target.applicationId}`;
  if (target.resourceId !== undefined) return `${AUDIT_PREFIX}${keyPrefix.resource}${target.resourceId}`;
  return `${AUDIT_PREFIX}OTHER`;
}

export const auditUserPartition = (userId: string) => partitionOf({ userId });

/** The Put of one audit event, to add to the transaction that makes the change. */
export function auditPut(
  action: AuditAction,
  target: AuditTarget,
  caller: AuditCaller,
  at = Date.now(),
): TransactItems[number] {
  const id = randomUUID();
  const sortKey = `${new Date(at).toISOString()}#${id}`;
  // The caller's three fields by name: an object with more in it adds nothing to the event.
  const { callerArn, sourceIp, requestId } = caller;
  const event: AuditEvent = { id, at, action, ...target, callerArn, sourceIp, requestId };
  return {
    Put: {
      TableName: env.tableName(),
      Item: {
        pk: partitionOf(target),
        sk: sortKey,
        gsi1pk: listPartition.audit,
        gsi1sk: sortKey,
        ...event,
        ttl: Math.ceil(at / 1000) + env.auditRetentionSeconds(),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** 9999-12-31T23:59:59.999Z: ISO strings sort as times up to here (later years gain a `+` and 6 digits). */
export const LATEST = 253402300799999;

export interface AuditQuery {
  userId?: string;
  patName?: string;
  action?: string;
  /** Epoch milliseconds, inclusive. */
  from?: number;
  to?: number;
}

function toEvent(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ttl: _ttl, ...event } = item;
  return event as unknown as AuditEvent;
}

/**
 * Events matching the query, newest first. With a user, one partition of the table; without, the index
 * partition of all events. The time range narrows the key condition; action and PAT name filter.
 */
export async function queryAuditEvents(query: AuditQuery): Promise<AuditEvent[]> {
  const byUser = query.userId !== undefined;
  const [pkName, skName] = byUser ? ['pk', 'sk'] : ['gsi1pk', 'gsi1sk'];
  const from = new Date(query.from ?? 0).toISOString();
  // '~' sorts after every character of the event id, so `to` is inclusive.
  const to = `${new Date(Math.min(query.to ?? LATEST, LATEST)).toISOString()}~`;
  const filters: string[] = [];
  const values: Record<string, unknown> = {
    ':pk': byUser ? auditUserPartition(query.userId!) : listPartition.audit,
    ':from': from,
    ':to': to,
  };
  if (query.action !== undefined) {
    filters.push('#action = :action');
    values[':action'] = query.action;
  }
  if (query.patName !== undefined) {
    filters.push('patName = :patName');
    values[':patName'] = query.patName;
  }
  const events: AuditEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const input: QueryCommandInput = {
      TableName: env.tableName(),
      ...(byUser ? { ConsistentRead: true } : { IndexName: GSI1 }),
      KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :from AND :to`,
      ...(query.action !== undefined ? { ExpressionAttributeNames: { '#action': 'action' } } : {}),
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ScanIndexForward: false,
      ExclusiveStartKey: startKey,
    };
    const page = await guarded('dynamodb', () => dynamo().send(new QueryCommand(input)));
    events.push(...(page.Items ?? []).map(toEvent));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events;
}
