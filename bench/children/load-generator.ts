/**
 * Generates every load of the benchmark, in a process of its own so that it never competes with the
 * service for an event loop: HTTP loads, the I/O floor and the Management API loads, all as closed loops.
 */
import { Agent, request as httpRequest } from 'node:http';
import { BatchGetItemCommand, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { PatgateClient } from '../../client/management-client';
import type { DevConfig } from '../../local/service';
import { dynamoDb } from '../../lambdas/shared/aws/dynamodb';
import { kms } from '../../lambdas/shared/aws/kms';
import { keys } from '../../lambdas/shared/store/keys';
import { userStandingRead } from '../../lambdas/shared/store/pats';
import { roleAssignmentRead } from '../../lambdas/shared/store/roles';
import { batchGetItemInput, itemKey } from '../../lambdas/shared/store/token-path-reads';
import { serve } from '../child-process';
import { RawAwsJsonClient } from '../raw-aws';
import { closedLoop, type CpuLoadSamples, type LoadSamples } from '../stats';

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
  /** `sdk`: the handlers' own SDK clients; `raw`: hand-signed requests over node:http (see raw-aws.ts). */
  client: 'sdk' | 'raw';
  tableName: string;
  signingKeyAlias: string;
  /** SHA-256 hashes of existing PATs: each operation reads the next one's lookup item. */
  tokenHashes: string[];
  concurrency: number;
  seconds: number;
}

/** With the CPU time of this process: the client's own cost of the calls. */
export type FloorSamples = CpuLoadSamples;

export interface ManagementLoad {
  config: DevConfig;
  operation: 'create' | 'list' | 'createUser' | 'listUsers';
  /** For `list`: users whose PATs are listed, in turn. */
  userIds: string[];
  concurrency: number;
  seconds: number;
}

/**
 * One keep-alive agent per target and concurrency, kept from one load to the next: like the floors' clients, HTTP
 * loads reuse their connections across the alternating slices. (A fresh load generator per slice opened all its
 * connections at once at every slice's start, a burst the floors never paid: at concurrency 64 those first
 * requests alone made the exchange's p99 2–5× the floor's while its p90 stayed within 1.3×.)
 */
const agents = new Map<string, Agent>();

function agentFor(load: HttpLoad): Agent {
  const key = `${load.baseUrl} ${load.connections}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: load.connections });
    agents.set(key, agent);
  }
  return agent;
}

function send(
  url: URL,
  load: HttpLoad,
  agent: Agent,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: load.method, headers: load.headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A closed loop of HTTP requests, `connections` at a time, the bodies used in turn across all of them. */
function httpLoad(load: HttpLoad): Promise<LoadSamples> {
  const agent = agentFor(load);
  const url = new URL(load.path, load.baseUrl);
  let next = 0;
  return closedLoop(load.connections, load.amount === undefined ? load.seconds! : { amount: load.amount }, async () => {
    const body = load.bodies?.[next++ % load.bodies.length];
    const { status, text } = await send(url, load, agent, body);
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
  });
}

/** A JWS signing input the size of an access token's header and claims; signed RAW, as the handler does. */
const SIGNING_INPUT = Buffer.from('e'.repeat(420));

type FloorOperation = (tokenHash: string) => Promise<void>;

/** The second round trip's read, as the handler makes it: the owner and the owner's roles in one BatchGetItem. */
const ownerAndRoles = (tableName: string, userId: string) =>
  batchGetItemInput(tableName, [userStandingRead(userId), roleAssignmentRead(userId)]);

/** Whether a BatchGetItem's answer holds the owner's user item. */
const ownerFound = (tableName: string, answer: { Responses?: Record<string, Record<string, AttributeValue>[]> }) =>
  answer.Responses?.[tableName]?.some((item) => item.sk?.S === 'USER') ?? false;

/**
 * The handler's AWS calls with the SDK clients it uses (lambdas/shared/store/token-path-reads.ts: the low-level
 * client): the PAT lookup, then the owner's user item and role assignment (the bench's users hold a role on the
 * resource) in one BatchGetItem beside KMS Sign.
 */
function sdkFloor(load: FloorLoad, keyArn: string): FloorOperation {
  const get = async (key: { pk: string; sk: string }) =>
    (await dynamoDb().send(new GetItemCommand({ TableName: load.tableName, Key: itemKey(key), ConsistentRead: true })))
      .Item;
  return async (tokenHash) => {
    const lookup = await get(keys.patHash(tokenHash));
    if (!lookup?.userId?.S) throw new Error('PAT lookup item not found');
    const [owner] = await Promise.all([
      dynamoDb().send(new BatchGetItemCommand(ownerAndRoles(load.tableName, lookup.userId.S))),
      kms().send(
        new SignCommand({
          KeyId: keyArn,
          Message: SIGNING_INPUT,
          MessageType: 'RAW',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ]);
    if (!ownerFound(load.tableName, owner)) throw new Error('owner not found');
  };
}

let rawClients: { dynamodb: RawAwsJsonClient; kms: RawAwsJsonClient } | undefined;

/** The same three calls without the SDK: the cost of the work itself. */
function rawFloor(load: FloorLoad, keyArn: string): FloorOperation {
  if (!rawClients) {
    const region = process.env.AWS_REGION!;
    const credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
    };
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const common = { region, credentials, agent };
    rawClients = {
      dynamodb: new RawAwsJsonClient({
        ...common,
        endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
        service: 'dynamodb',
        targetPrefix: 'DynamoDB_20120810',
        jsonVersion: '1.0',
      }),
      kms: new RawAwsJsonClient({
        ...common,
        endpoint: process.env.AWS_ENDPOINT_URL_KMS!,
        service: 'kms',
        targetPrefix: 'TrentService',
        jsonVersion: '1.1',
      }),
    };
  }
  const clients = rawClients;
  const get = async (key: { pk: string; sk: string }) =>
    (
      await clients.dynamodb.call<{ Item?: Record<string, { S?: string }> }>('GetItem', {
        TableName: load.tableName,
        Key: itemKey(key),
        ConsistentRead: true,
      })
    ).Item;
  const message = SIGNING_INPUT.toString('base64');
  return async (tokenHash) => {
    const lookup = await get(keys.patHash(tokenHash));
    if (!lookup?.userId?.S) throw new Error('PAT lookup item not found');
    const [owner, { Signature }] = await Promise.all([
      clients.dynamodb.call<{ Responses?: Record<string, Record<string, AttributeValue>[]> }>(
        'BatchGetItem',
        ownerAndRoles(load.tableName, lookup.userId.S),
      ),
      clients.kms.call<{ Signature?: string }>('Sign', {
        KeyId: keyArn,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    ]);
    if (!ownerFound(load.tableName, owner) || !Signature) throw new Error('owner or signature missing');
  };
}

/**
 * What an exchange cannot avoid: the PAT lookup GetItem, then the BatchGetItem of the owner and the owner's roles
 * beside a KMS Sign of a JWT's signing input (strongly consistent reads), through the SDK as the handlers make them (the SDK floor) or
 * hand-signed (the raw floor).
 */
async function ioFloor(load: FloorLoad): Promise<FloorSamples> {
  const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId: load.signingKeyAlias }));
  const keyArn = KeyMetadata!.Arn!;
  const operation = load.client === 'raw' ? rawFloor(load, keyArn) : sdkFloor(load, keyArn);
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const samples = await closedLoop(load.concurrency, load.seconds, () =>
    operation(load.tokenHashes[next++ % load.tokenHashes.length]!),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { ...samples, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function managementLoad(load: ManagementLoad): Promise<LoadSamples> {
  const { config } = load;
  const client = new PatgateClient({
    endpoint: config.baseUrl,
    region: config.region,
    credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
  });
  let next = 0;
  const runId = `${load.operation}-${Date.now().toString(36)}`;
  const registered = new Map<number, Promise<unknown>>();
  return closedLoop(load.concurrency, load.seconds, async (loop) => {
    switch (load.operation) {
      case 'create': {
        // One user per loop: concurrent creates for one user would contend on its state item, which is not what we
        // measure. The user is registered on the loop's first turn (PATs need a registered owner).
        const userId = `bench-manage-${runId}-${loop}`;
        if (!registered.has(loop)) registered.set(loop, client.users.create({ id: userId }));
        await registered.get(loop);
        await client.pats.create(userId, { name: `pat-${next++}`, expiresAt: Date.now() + 30 * 86_400_000 });
        return;
      }
      case 'list':
        await client.pats.list(load.userIds[next++ % load.userIds.length]!);
        return;
      case 'createUser':
        await client.users.create({ id: `bench-user-${runId}-${next++}` });
        return;
      case 'listUsers':
        // One page of Logto's default size, as the console asks for it.
        await client.users.list({ page: 1, pageSize: 20 });
        return;
    }
  });
}

const handlers = { httpLoad, ioFloor, managementLoad };

export type LoadGeneratorHandlers = typeof handlers;

serve(handlers);
