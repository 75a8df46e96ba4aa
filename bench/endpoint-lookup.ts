/**
 * `npx tsx bench/endpoint-lookup.ts [calls]`: what the SDK's per-call endpoint lookup costs (see
 * `configuredEndpoint` in lambdas/shared/aws/client-config.ts). Trimmed low-level DynamoDB clients with an in-memory
 * request handler (no network), in alternating order: without an endpoint in their configuration (the SDK looks
 * for AWS_ENDPOINT_URL_* and the shared config file on every call) against one given once, both when no variable
 * is set (as deployed) and when AWS_ENDPOINT_URL_DYNAMODB is set (as run locally).
 */
import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig, trimPerCallWork } from '../lambdas/shared/aws/client-config';

const BODY = JSON.stringify({ Item: { pk: { S: 'PATHASH#x' }, sk: { S: 'PATHASH' }, userId: { S: 'user' } } });

function client(settings: object): DynamoDBClient {
  const requestHandler = {
    handle: async () => ({
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: Readable.from([Buffer.from(BODY)]),
      },
    }),
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    metadata: { handlerProtocol: 'http/1.1' },
  } as unknown as DynamoDBClient['config']['requestHandler'];
  return trimPerCallWork(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAOVERHEAD', secretAccessKey: 'overhead' },
      ...clientConfig,
      requestHandler,
      ...settings,
    }),
  );
}

async function compare(variants: Record<string, DynamoDBClient>, calls: number): Promise<void> {
  const command = () =>
    new GetItemCommand({ TableName: 't', Key: { pk: { S: 'PATHASH#x' }, sk: { S: 'PATHASH' } }, ConsistentRead: true });
  for (const each of Object.values(variants)) for (let index = 0; index < 500; index++) await each.send(command());
  const ROUNDS = 4;
  const micros: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const entries = Object.entries(variants);
    for (const [name, each] of round % 2 ? entries.reverse() : entries) {
      const start = process.cpuUsage();
      for (let index = 0; index < calls; index++) await each.send(command());
      const used = process.cpuUsage(start);
      micros[name] = (micros[name] ?? 0) + used.user + used.system;
    }
  }
  for (const [name, total] of Object.entries(micros)) {
    process.stdout.write(`${name.padEnd(52)} ${(total / ROUNDS / calls).toFixed(0).padStart(5)} µs CPU per call\n`);
  }
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 2000);
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  delete process.env.AWS_ENDPOINT_URL;
  await compare(
    {
      'no variable set: looked up per call (SDK default)': client({}),
      'no variable set: ignoreConfiguredEndpointUrls': client({ ignoreConfiguredEndpointUrls: true }),
    },
    calls,
  );
  process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:1';
  await compare(
    {
      'variable set: looked up per call (SDK default)': client({}),
      'variable set: endpoint given once': client({ endpoint: 'http://127.0.0.1:1' }),
    },
    calls,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
