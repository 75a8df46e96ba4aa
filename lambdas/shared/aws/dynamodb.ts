import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig, configuredEndpoint, trimPerCallWork } from './client-config';

let lowLevelClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

/**
 * The low-level client, for the hot path (the token endpoint's PAT lookup): its middleware is resolved once
 * (`cacheMiddleware`) and it skips the document client's marshalling layer.
 */
export function dynamoDb(): DynamoDBClient {
  lowLevelClient ??= trimPerCallWork(new DynamoDBClient({ ...clientConfig, ...configuredEndpoint('DYNAMODB') }));
  return lowLevelClient;
}

/** The document client, for everything else; lib-dynamodb refuses `cacheMiddleware`, so it wraps a client of its own. */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    trimPerCallWork(new DynamoDBClient({ ...clientConfig, ...configuredEndpoint('DYNAMODB'), cacheMiddleware: false })),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return documentClient;
}
