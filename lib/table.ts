/** The single DynamoDB table; its layout is described in lambdas/shared/store/keys.ts. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableSchema } from '../lambdas/shared/store/keys';

const string = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export function createTable(scope: Construct): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'Table', {
    partitionKey: string(tableSchema.partitionKey),
    sortKey: string(tableSchema.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: tableSchema.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    // The AWS managed key (aws/dynamodb): KMS encryption with CloudTrail-logged key use, and no key policy to
    // maintain. A customer managed key would add key-policy separation, but access is already split per
    // function and per key prefix by IAM, and secrets are stored only as hashes.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
  });
  for (const index of tableSchema.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: string(index.partitionKey),
      sortKey: string(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}
