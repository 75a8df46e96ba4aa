/**
 * Generates every load of the benchmark, in a process of its own so that it never competes with the
 * service for an event loop: HTTP loads with autocannon, the I/O floor and the Management API loads
 * as closed loops.
 */
import autocannon from 'autocannon';
import { DescribeKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { PatgateClient } from '../../client/management-client';
import type { DevConfig } from '../../local/service';
import { dynamo } from '../../lambdas/shared/aws/dynamodb';
import { kms } from '../../lambdas/shared/aws/kms';
import { keys } from '../../lambdas/shared/store/keys';
import { serve } from '../child-process';
import { closedLoop, LoadRecorder, type LoadSamples } from '../stats';

export interface HttpLoad {
  baseUrl: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** Request bodies, used in turn across all connections. */
  bodies?: string[];
  connections: number;
  /** Either a duration or a number of requests. */
  seconds?: number;
  amount?: number;
}

export interface FloorLoad {
  tableName: string;
  signingKeyAlias: string;
  /** SHA-256 hashes of existing PATs: each operation reads the next one's lookup item. */
  tokenHashes: string[];
  concurrency: number;
  seconds: number;
}

export interface FloorSamples extends LoadSamples {
  /** CPU time of this process: the SDK's own cost of the calls. */
  cpuMs: number;
}

export interface ManagementLoad {
  config: DevConfig;
  operation: 'create' | 'list';
  /** For `list`: users whose PATs are listed, in turn. */
  userIds: string[];
  concurrency: number;
  seconds: number;
}

function httpLoad(load: HttpLoad): Promise<LoadSamples> {
  const recorder = new LoadRecorder(load.connections);
  const { bodies } = load;
  let next = 0;
  let lastBody = '';
  const request: autocannon.Request = {
    method: load.method,
    path: load.path,
    headers: load.headers,
    onResponse: (_status, body) => (lastBody = body),
    ...(bodies && { setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }),
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.baseUrl,
        connections: load.connections,
        ...(load.amount === undefined ? { duration: load.seconds } : { amount: load.amount }),
        requests: [request],
      },
      (error) => (error ? reject(error) : resolve(recorder.finish())),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) recorder.success(responseTime);
      else recorder.failure(`HTTP ${statusCode}: ${lastBody.slice(0, 300)}`);
    });
    instance.on('reqError', (error) => recorder.failure(error.message));
  });
}

/** What an exchange cannot avoid, done directly with the SDK: one PAT lookup GetItem, then one KMS Sign. */
async function ioFloor(load: FloorLoad): Promise<FloorSamples> {
  const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId: load.signingKeyAlias }));
  const keyArn = KeyMetadata!.Arn!;
  // A JWS signing input the size of an access token's header and claims; sent RAW, as the handler does.
  const signingInput = Buffer.from('e'.repeat(420));
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const samples = await closedLoop(load.concurrency, load.seconds, async () => {
    const tokenHash = load.tokenHashes[next++ % load.tokenHashes.length]!;
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: load.tableName, Key: keys.patHash(tokenHash), ConsistentRead: true }),
    );
    if (!Item) throw new Error('PAT lookup item not found');
    await kms().send(
      new SignCommand({
        KeyId: keyArn,
        Message: signingInput,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
  });
  const cpu = process.cpuUsage(cpuBefore);
  return { ...samples, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function managementLoad(load: ManagementLoad): Promise<LoadSamples> {
  const { config } = load;
  const client = new PatgateClient({
    endpoint: config.baseUrl,
    region: config.region,
    credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
  });
  let next = 0;
  const runId = Date.now().toString(36);
  // PATs need registered owners: one user per loop, registered before the clock starts.
  if (load.operation === 'create') {
    await Promise.all(
      Array.from({ length: load.concurrency }, (_, loop) =>
        client.users.create({ id: `bench-manage-${runId}-${loop}` }),
      ),
    );
  }
  return closedLoop(load.concurrency, load.seconds, async (loop) => {
    if (load.operation === 'create') {
      // One user per loop: concurrent creates for one user would contend on its state item, which is not what we measure.
      await client.pats.create(`bench-manage-${runId}-${loop}`, {
        name: `pat-${next++}`,
        expiresAt: Date.now() + 30 * 86_400_000,
      });
    } else {
      await client.pats.list(load.userIds[next++ % load.userIds.length]!);
    }
  });
}

const handlers = { httpLoad, ioFloor, managementLoad };

export type LoadGeneratorHandlers = typeof handlers;

serve(handlers);
