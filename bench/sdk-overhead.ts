/**
 * `npx tsx bench/sdk-overhead.ts [calls]`: the AWS SDK clients' own CPU per call, with an in-memory request handler
 * (no network, no engines), so the figure is stable to a few µs even on a busy machine: GetItem (low-level and
 * document client) and Sign, with the clients as configured before issue 17 and as `lambdas/shared/aws` configures
 * them now. This is where per-call settings (client-config.ts) show their effect; `npm run bench` shows the whole.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand, type KMSClientConfig } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig, configuredEndpoint, trimPerCallWork } from '../lambdas/shared/aws/client-config';

const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000';
const RESPONSES = {
  dynamodb: JSON.stringify({
    Item: {
      pk: { S: 'PATHASH#x' },
      sk: { S: 'PATHASH' },
      userId: { S: 'user' },
      name: { S: 'ci' },
      scopes: { NULL: true },
      suspended: { BOOL: false },
    },
  }),
  kms: JSON.stringify({ KeyId: KEY_ARN, Signature: Buffer.alloc(72, 1).toString('base64') }),
};

/** A request handler that answers every request at once with a canned 200. */
function inMemory(service: keyof typeof RESPONSES) {
  return {
    handle: async () => ({
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: Readable.from([Buffer.from(RESPONSES[service])]),
      },
    }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    metadata: { handlerProtocol: 'http/1.1' },
  } as unknown as DynamoDBClientConfig['requestHandler'] & KMSClientConfig['requestHandler'];
}

// Endpoints as the local service and the tests configure them: from the environment.
process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:1';
process.env.AWS_ENDPOINT_URL_KMS = 'http://127.0.0.1:2';
const common = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAOVERHEAD', secretAccessKey: 'overhead' },
};
const before = { maxAttempts: 3 };
const dynamodbNow = { ...common, ...clientConfig, ...configuredEndpoint('DYNAMODB') };
const kmsNow = { ...common, ...clientConfig, ...configuredEndpoint('KMS') };

const clients = {
  before: {
    document: DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...common, ...before, requestHandler: inMemory('dynamodb') }),
    ),
    dynamodb: new DynamoDBClient({ ...common, ...before, requestHandler: inMemory('dynamodb') }),
    kms: new KMSClient({ ...common, ...before, requestHandler: inMemory('kms') }),
  },
  now: {
    document: DynamoDBDocumentClient.from(
      trimPerCallWork(
        new DynamoDBClient({ ...dynamodbNow, cacheMiddleware: false, requestHandler: inMemory('dynamodb') }),
      ),
    ),
    dynamodb: trimPerCallWork(new DynamoDBClient({ ...dynamodbNow, requestHandler: inMemory('dynamodb') })),
    kms: trimPerCallWork(new KMSClient({ ...kmsNow, requestHandler: inMemory('kms') })),
  },
};

const operations = Object.entries(clients).flatMap(([when, c]) => [
  [
    `${when}: document client GetCommand`,
    () =>
      c.document.send(
        new GetCommand({ TableName: 't', Key: { pk: 'PATHASH#x', sk: 'PATHASH' }, ConsistentRead: true }),
      ),
  ],
  [
    `${when}: GetItemCommand`,
    () =>
      c.dynamodb.send(
        new GetItemCommand({
          TableName: 't',
          Key: { pk: { S: 'PATHASH#x' }, sk: { S: 'PATHASH' } },
          ConsistentRead: true,
        }),
      ),
  ],
  [
    `${when}: SignCommand`,
    () =>
      c.kms.send(
        new SignCommand({
          KeyId: KEY_ARN,
          Message: Buffer.alloc(32, 2),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
  ],
]) as [string, () => Promise<unknown>][];

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 3000);
  const ROUNDS = 3;
  const micros = new Map<string, number>();
  for (const [, call] of operations) for (let index = 0; index < 500; index++) await call();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call] of operations) {
      const start = process.cpuUsage();
      for (let index = 0; index < calls; index++) await call();
      const used = process.cpuUsage(start);
      micros.set(name, (micros.get(name) ?? 0) + used.user + used.system);
    }
  }
  for (const [name, total] of micros) {
    process.stdout.write(`${name.padEnd(38)} ${(total / ROUNDS / calls).toFixed(0).padStart(5)} µs CPU per call\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
