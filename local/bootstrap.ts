/**
 * Creates what the local service needs and is missing: the table (same schema as the stack's),
 * the signing key and its alias, and a demo application allowed to exchange tokens.
 * Idempotent: a second run finds everything and changes nothing.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  NotFoundException,
  type KeySpec,
} from '@aws-sdk/client-kms';
import { tableSchema } from '../lambdas/shared/store/keys';

export async function ensureTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const index = tableSchema.indexes[0];
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: tableSchema.partitionKey, AttributeType: 'S' },
          { AttributeName: tableSchema.sortKey, AttributeType: 'S' },
          { AttributeName: index.partitionKey, AttributeType: 'S' },
          { AttributeName: index.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    // Another process (a parallel test worker) created it first.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30 }, { TableName: tableName });
  await dynamodb
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
      }),
    )
    .catch((error: Error) => {
      if (!/already enabled/i.test(error.message)) throw error;
    });
}

/** Makes sure `alias` names an asymmetric signing key; creates key and alias when it doesn't. */
export async function ensureSigningKey(
  kms: KMSClient,
  alias: string,
  keySpec: KeySpec = 'ECC_NIST_P256',
): Promise<string> {
  const describe = async () => (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.Arn!;
  try {
    return await describe();
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
  }
  try {
    return await createSigningKey(kms, alias, keySpec);
  } catch (error) {
    // Another process (a parallel test worker) created the alias first: use its key.
    if (!(error instanceof AlreadyExistsException)) throw error;
    return describe();
  }
}

export async function createSigningKey(kms: KMSClient, alias: string | undefined, keySpec: KeySpec): Promise<string> {
  const { KeyMetadata } = await kms.send(
    new CreateKeyCommand({
      KeySpec: keySpec,
      KeyUsage: 'SIGN_VERIFY',
      Description: 'patgate access token signing key',
    }),
  );
  if (alias) await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! }));
  return KeyMetadata!.Arn!;
}
