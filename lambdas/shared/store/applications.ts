/** Applications (OAuth clients) that may call the token endpoint. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { env } from '../config';
import { guarded } from '../aws/dependency-errors';
import { auditPut, type AuditCaller } from './audit';
import { keys, listPartition } from './keys';
import { transactWrite } from './transactions';
import { listByKind } from './list-index';
import { unmarshalledAs, type ItemRead } from './token-path-reads';
import type { Application, ApplicationType } from '../model/application';
import type { PatPolicyOverride } from '../model/pat-policy';

const table = () => env.tableName();

function toApplication(item: Record<string, unknown>): Application {
  return {
    id: item.id as string,
    name: item.name as string,
    description: (item.description as string | null | undefined) ?? null,
    type: item.type as ApplicationType,
    secretHash: (item.secretHash as string | null | undefined) ?? null,
    allowTokenExchange: Boolean(item.allowTokenExchange),
    patPolicy: (item.patPolicy as PatPolicyOverride | null | undefined) ?? null,
    createdAt: item.createdAt as number,
  };
}

/** Writes and audits the new application; a (generated) id already taken is a failed condition. */
export async function putApplication(caller: AuditCaller, app: Application): Promise<void> {
  const outcome = await transactWrite([
    {
      Put: {
        TableName: table(),
        Item: {
          ...keys.application(app.id),
          gsi1pk: listPartition.application,
          gsi1sk: `${app.createdAt}#${app.id}`,
          ...app,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut('application.created', { applicationId: app.id }, caller, app.createdAt),
  ]);
  if (!outcome.committed) throw new Error('application id collision');
}

/** An application as the token endpoint reads it (alone, or with the PAT lookup on a cold container). */
export const applicationRead = (id: string): ItemRead<Application | undefined> => ({
  key: keys.application(id),
  map: unmarshalledAs(toApplication),
});

export async function getApplication(id: string, consistent = false): Promise<Application | undefined> {
  const { Item } = await guarded('dynamodb', () =>
    dynamo().send(new GetCommand({ TableName: table(), Key: keys.application(id), ConsistentRead: consistent })),
  );
  return Item ? toApplication(Item) : undefined;
}

export async function listApplications(): Promise<Application[]> {
  return (await listByKind(listPartition.application)).map(toApplication);
}

export async function updateApplication(
  caller: AuditCaller,
  id: string,
  changes: Partial<Pick<Application, 'name' | 'description' | 'allowTokenExchange' | 'patPolicy'>>,
): Promise<Application | undefined> {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
  const current = await getApplication(id, true);
  if (!current || entries.length === 0) return current;
  const names = Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key]));
  const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
  // Which fields changed, never their values.
  const fields = entries
    .map(([key]) => key)
    .sort()
    .join(',');
  const outcome = await transactWrite([
    {
      Update: {
        TableName: table(),
        Key: keys.application(id),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    auditPut('application.updated', { applicationId: id, details: { fields } }, caller),
  ]);
  return outcome.committed ? { ...current, ...Object.fromEntries(entries) } : undefined;
}

export async function deleteApplication(caller: AuditCaller, id: string): Promise<boolean> {
  const outcome = await transactWrite([
    { Delete: { TableName: table(), Key: keys.application(id), ConditionExpression: 'attribute_exists(pk)' } },
    auditPut('application.deleted', { applicationId: id }, caller),
  ]);
  return outcome.committed;
}
