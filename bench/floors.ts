/**
 * What an exchange cannot avoid, as a load: the handler's AWS calls through its own SDK clients (the SDK floor) or
 * hand-signed over node:http (the raw floor). Run by the load generator (beside the HTTP loads) and by the service
 * process (beside the in-process invocations, so that the handler's own share compares like with like).
 */
import { Agent } from 'node:http';
import { BatchGetItemCommand, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { dynamoDb } from '../lambdas/shared/aws/dynamodb';
import { kms } from '../lambdas/shared/aws/kms';
import { env } from '../lambdas/shared/config';
import { keys } from '../lambdas/shared/store/keys';
import { patLookupRead, userStandingRead } from '../lambdas/shared/store/pats';
import { newJti, signJwt } from '../lambdas/shared/signing/jwt-signer';
import { recordPatUse } from '../lambdas/token/last-used';
import { roleAssignmentRead } from '../lambdas/shared/store/roles';
import { batchGetItemInput, consistentReadAll, itemKey } from '../lambdas/shared/store/token-path-reads';
import { RawAwsJsonClient } from './raw-aws';
import { closedLoop, type CpuLoadSamples } from './stats';

export interface FloorLoad {
  /**
   * `sdk`: the handlers' own SDK clients; `raw`: hand-signed requests over node:http (see raw-aws.ts); `stores`: the
   * same calls through the token handler's stores and JWT signer (service process only, `--decompose`).
   */
  client: 'sdk' | 'raw' | 'stores';
  tableName: string;
  signingKeyAlias: string;
  /** SHA-256 hashes of existing PATs: each operation reads the next one's lookup item. */
  tokenHashes: string[];
  concurrency: number;
  seconds: number;
  /**
   * Record each PAT's use as the token handler does, beside the BatchGetItem and Sign (lambdas/token/last-used.ts
   * `recordPatUse`, the handler's own code and memory: at most once per PAT per LAST_USED_INTERVAL_SECONDS). For the
   * SDK floor in the service process: its in-process invocations pay that amortized TransactWriteItems for whichever
   * PAT is due, and the floor they are compared with must pay it as often.
   */
  recordUse?: boolean;
}

/** With the CPU time of this process: the client's own cost of the calls. */
export type FloorSamples = CpuLoadSamples;

/** The client a floor's recorded use names (the PAT items' lastClientId; bench data only). */
const FLOOR_CLIENT_ID = 'bench-floor';

/** An access token's audience of the bench's resource indicator's length (bench/fixtures.ts). */
const BENCH_AUDIENCE = 'https://api.bench.example/00000000-0000-0000-0000-000000000000';

/** A JWS signing input the size of an access token's header and claims; signed RAW, as the handler does. */
const SIGNING_INPUT = Buffer.from('e'.repeat(420));

export type FloorOperation = (tokenHash: string) => Promise<void>;

/** The second round trip's read, as the handler makes it: the owner and the owner's roles in one BatchGetItem. */
const ownerAndRoles = (tableName: string, userId: string) =>
  batchGetItemInput(tableName, [userStandingRead(userId), roleAssignmentRead(userId)]);

/** Whether a BatchGetItem's answer holds the owner's user item. */
const ownerFound = (tableName: string, answer: { Responses?: Record<string, Record<string, AttributeValue>[]> }) =>
  answer.Responses?.[tableName]?.some((item) => item.sk?.S === 'USER') ?? false;

/**
 * The handler's AWS calls with the SDK clients it uses (lambdas/shared/store/token-path-reads.ts: the low-level
 * client): the PAT lookup, then the owner's user item and role assignment (the bench's users hold a role on the
 * resource) in one BatchGetItem beside KMS Sign; with `recordUse`, the lastUsedAt write when the handler would make it.
 */
export function sdkFloor(tableName: string, keyArn: string, { recordUse = false } = {}): FloorOperation {
  const get = async (key: { pk: string; sk: string }) =>
    (await dynamoDb().send(new GetItemCommand({ TableName: tableName, Key: itemKey(key), ConsistentRead: true }))).Item;
  return async (tokenHash) => {
    const lookup = await get(keys.patHash(tokenHash));
    if (!lookup?.userId?.S) throw new Error('PAT lookup item not found');
    const [owner] = await Promise.all([
      dynamoDb().send(new BatchGetItemCommand(ownerAndRoles(tableName, lookup.userId.S))),
      kms().send(
        new SignCommand({
          KeyId: keyArn,
          Message: SIGNING_INPUT,
          MessageType: 'RAW',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
      recordUse &&
        recordPatUse(patLookupRead(tokenHash).map(lookup)!, tokenHash, {
          at: Date.now(),
          clientId: FLOOR_CLIENT_ID,
          sourceIp: null,
        }),
    ]);
    if (!ownerFound(tableName, owner)) throw new Error('owner not found');
  };
}

/**
 * The SDK floor's calls as the token handler makes them, without the rest of its pipeline: the PAT lookup, then the
 * owner and the owner's roles beside the signing of an access token's claims (its stores' mappings, the JWT's
 * encoding and signature conversion), and the use recorded when due. What this adds to `sdkFloor` is the stores'
 * and the signer's share of the handler's own work (`--decompose`).
 */
export function storesFloor(): FloorOperation {
  const issuer = env.issuer();
  return async (tokenHash) => {
    const { credential } = await consistentReadAll({ credential: patLookupRead(tokenHash) });
    if (!credential) throw new Error('PAT lookup item not found');
    const now = Date.now();
    const iat = Math.floor(now / 1000);
    const claims = { jti: newJti(), sub: credential.userId, iss: issuer, aud: BENCH_AUDIENCE, iat, exp: iat + 3600 };
    const [read] = await Promise.all([
      consistentReadAll({ owner: userStandingRead(credential.userId), roles: roleAssignmentRead(credential.userId) }),
      signJwt({
        ...claims,
        client_id: FLOOR_CLIENT_ID,
        scope: 'read:bench',
        ...(credential.id && { pat_id: credential.id }),
      }),
      recordPatUse(credential, tokenHash, { at: now, clientId: FLOOR_CLIENT_ID, sourceIp: null }),
    ]);
    if (!read.owner) throw new Error('owner not found');
  };
}

let rawClients: { dynamodb: RawAwsJsonClient; kms: RawAwsJsonClient } | undefined;

/** The same three calls without the SDK: the cost of the work itself. */
export function rawFloor(tableName: string, keyArn: string): FloorOperation {
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
        TableName: tableName,
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
        ownerAndRoles(tableName, lookup.userId.S),
      ),
      clients.kms.call<{ Signature?: string }>('Sign', {
        KeyId: keyArn,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    ]);
    if (!ownerFound(tableName, owner) || !Signature) throw new Error('owner or signature missing');
  };
}

/**
 * What an exchange cannot avoid: the PAT lookup GetItem, then the BatchGetItem of the owner and the owner's roles
 * beside a KMS Sign of a JWT's signing input (strongly consistent reads), through the SDK as the handlers make them (the SDK floor) or
 * hand-signed (the raw floor).
 */
export async function ioFloor(load: FloorLoad): Promise<FloorSamples> {
  const { KeyMetadata } = await kms().send(new DescribeKeyCommand({ KeyId: load.signingKeyAlias }));
  const keyArn = KeyMetadata!.Arn!;
  const operation =
    load.client === 'raw'
      ? rawFloor(load.tableName, keyArn)
      : load.client === 'stores'
        ? storesFloor()
        : sdkFloor(load.tableName, keyArn, { recordUse: load.recordUse });
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const samples = await closedLoop(load.concurrency, load.seconds, () =>
    operation(load.tokenHashes[next++ % load.tokenHashes.length]!),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { ...samples, cpuMs: (cpu.user + cpu.system) / 1000 };
}
