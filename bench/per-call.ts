/**
 * `npx tsx bench/per-call.ts [--iterations 2000] [--only <variant>]`: a quick, sequential, single-process
 * measurement of CPU per operation for iterating on the SDK configuration and the handler, without the full
 * `npm run bench`. DynamoDB Local and the KMS emulator run in processes of their own (their CPU is not counted);
 * this process runs, in alternating rounds, the raw floor, the SDK floor with the clients as configured before
 * issue 17 (`sdkBefore`) and as now (document and low-level DynamoDB client), and the token handler invoked
 * in-process. Run under `node --cpu-prof --import tsx` with `--only` to profile
 * one variant. Through tsx the project's own code carries tsx's `keepNames` transform (an Object.defineProperty per
 * closure created), about 0.1 ms per exchange that the deployed bundles don't have: compare the handler's figures
 * between variants of one run here, and with `npm run bench` (which runs bundles, bench/child-process.ts) not at all.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { PatgateClient } from '../client/management-client';
import { dynamo } from '../lambdas/shared/aws/dynamodb';
import { kms } from '../lambdas/shared/aws/kms';
import { keys } from '../lambdas/shared/store/keys';
import { invokeProxyHandler } from '../local/gateway/lambda';
import { loadHandler } from '../local/handlers';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local';
import { SIGNING_KEY_ALIAS, startLocalService } from '../local/service';
import { startChild } from './child-process';
import type { KmsEmulatorHandlers } from './children/kms-emulator';
import { createFixtures, exchangeRequests, proxyEvent } from './fixtures';
import { rawFloor, sdkFloor } from './floors';

const REGION = 'us-east-1';
const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});

/** The engines' callers (the KMS emulator verifies SigV4 against these). */
const CREDENTIALS = { accessKeyId: 'AKIABENCHMARK', secretAccessKey: 'benchmark-secret' };

async function main(): Promise<void> {
  const dynamodbLocal = await startDynamoDbLocal();
  const kmsEmulator = await startChild<KmsEmulatorHandlers>(`${__dirname}/children/kms-emulator.ts`);
  try {
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbLocal.url,
      AWS_ENDPOINT_URL_KMS: await kmsEmulator.call('start', { region: REGION, credentials: CREDENTIALS }),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
    // Logs and metrics go where a Lambda's go, stdout; here to /dev/null unless redirected.
    const service = await startLocalService({ tableName: 'per-call', log: () => undefined });
    const { config } = service;
    const client = new PatgateClient({
      endpoint: config.baseUrl,
      region: REGION,
      credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
    });
    const fixtures = await createFixtures(client, 60);
    const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId: SIGNING_KEY_ALIAS }));
    const keyArn = KeyMetadata!.Arn!;
    const digest = () => createHash('sha256').update('e'.repeat(420)).digest();
    const hashes = fixtures.pats.map((pat) => pat.tokenHash);
    // The clients as they were before issue 17, for comparison.
    const untuned = {
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
    };
    const before = {
      dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(untuned), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      kms: new KMSClient(untuned),
    };
    const sign = (client = kms()) =>
      client.send(
        new SignCommand({ KeyId: keyArn, Message: digest(), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
    const handler = await loadHandler('token');
    const { headers, bodies } = exchangeRequests(fixtures, config.demoApplication);
    const events = bodies.map((body) => proxyEvent('POST', '/oidc/token', { headers, body }));
    const target = { handlerName: 'token', region: REGION, accountId: '000000000000' } as const;

    // The handler's calls (the lookup, then the owner and their role assignment in one BatchGetItem beside Sign),
    // hand-signed and through the handlers' SDK clients: the bench's floors (bench/floors.ts).
    const rawCalls = rawFloor('per-call', keyArn);
    const sdkCalls = sdkFloor('per-call', keyArn);
    const tokenHash = (index: number) => hashes[index % hashes.length]!;
    const variants: Record<string, (index: number) => Promise<void>> = {
      raw: (index) => rawCalls(tokenHash(index)),
      sdkBefore: async (index) => {
        const Key = keys.patHash(tokenHash(index));
        await before.dynamo.send(new GetCommand({ TableName: 'per-call', Key, ConsistentRead: true }));
        await sign(before.kms);
      },
      sdkDocument: async (index) => {
        const Key = keys.patHash(tokenHash(index));
        await dynamo().send(new GetCommand({ TableName: 'per-call', Key, ConsistentRead: true }));
        await sign();
      },
      sdkLowLevel: (index) => sdkCalls(tokenHash(index)),
      handler: async (index) => {
        const response = (await invokeProxyHandler(handler, events[index % events.length]!, {
          ...target,
          awsRequestId: randomUUID(),
        })) as APIGatewayProxyResult;
        if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${response.body}`);
      },
    };
    const chosen = values.only ? { [values.only]: variants[values.only]! } : variants;
    const iterations = Number(values.iterations);
    const totals: Record<string, { cpuMs: number; wallMs: number; n: number }> = {};
    for (const name of Object.keys(chosen)) for (let i = 0; i < 200; i++) await chosen[name]!(i);
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [name, operation] of Object.entries(chosen)) {
        const cpu = process.cpuUsage();
        const wall = performance.now();
        for (let i = 0; i < iterations; i++) await operation(i);
        const used = process.cpuUsage(cpu);
        const total = (totals[name] ??= { cpuMs: 0, wallMs: 0, n: 0 });
        total.cpuMs += (used.user + used.system) / 1000;
        total.wallMs += performance.now() - wall;
        total.n += iterations;
      }
    }
    const rawCpu = totals.raw ? totals.raw.cpuMs / totals.raw.n : undefined;
    for (const [name, total] of Object.entries(totals)) {
      const cpu = total.cpuMs / total.n;
      process.stderr.write(
        `${name.padEnd(12)} CPU ${cpu.toFixed(3)} ms/op${rawCpu ? ` (${(cpu / rawCpu).toFixed(2)}× raw)` : ''}, ` +
          `wall ${(total.wallMs / total.n).toFixed(3)} ms/op\n`,
      );
    }
    await service.close();
  } finally {
    await kmsEmulator.stop();
    await dynamodbLocal.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
