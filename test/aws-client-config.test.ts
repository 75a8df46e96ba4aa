/**
 * The SDK clients' per-call trimming (lambdas/shared/aws/client-config.ts): the requests they send must stay what the
 * untrimmed SDK sends. A local HTTP server stands in for the service: it checks every request's SigV4 signature with
 * the local gateway's verifier, records the user-agent headers, and answers with the request's own key, so that
 * concurrent calls through the cached middleware stack can be told apart.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { clientConfig, trimPerCallWork } from '../lambdas/shared/aws/client-config';
import { verifySigV4 } from '../local/gateway/sigv4';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIACLIENTCONFIG', secretAccessKey: 'client-config-secret' };
const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000';

interface Received {
  target: string;
  signatureOk: boolean;
  userAgent: string | undefined;
  amzUserAgent: string | undefined;
}

/** Access key id → secret, as the verifier knows them. */
const knownKeys = new Map([[credentials.accessKeyId, credentials.secretAccessKey]]);
let server: Server;
let endpoint: string;
const received: Received[] = [];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target']);
    const service = target.startsWith('DynamoDB') ? 'dynamodb' : 'kms';
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?');
    const verdict = verifySigV4(
      { method: req.method ?? 'POST', rawPath, rawQuery, headers: req.headers, body },
      { region: REGION, service, credentials: knownKeys },
    );
    received.push({
      target,
      signatureOk: verdict.ok,
      userAgent: req.headers['user-agent'],
      amzUserAgent: req.headers['x-amz-user-agent'] as string | undefined,
    });
    const input = JSON.parse(body.toString('utf8')) as { Key?: { pk: { S: string } }; KeyId?: string };
    const answer =
      service === 'dynamodb'
        ? { Item: { pk: input.Key!.pk, echoed: { S: `item of ${input.Key!.pk.S}` } } }
        : { KeyId: input.KeyId, Signature: Buffer.from(`signature by ${input.KeyId}`).toString('base64') };
    // Answer out of order, so that concurrent calls overlap.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': `application/x-amz-json-1.${service === 'dynamodb' ? 0 : 1}` });
      res.end(JSON.stringify(answer));
    }, Math.random() * 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

const settings = () => ({ ...clientConfig, region: REGION, endpoint, credentials });

const getItem = (pk: string) =>
  new GetItemCommand({ TableName: 't', Key: { pk: { S: pk }, sk: { S: 'PATHASH' } }, ConsistentRead: true });
const sign = (keyId: string) =>
  new SignCommand({
    KeyId: keyId,
    Message: Buffer.alloc(32, 7),
    MessageType: 'DIGEST',
    SigningAlgorithm: 'ECDSA_SHA_256',
  });

test('concurrent calls through the cached middleware stack each get their own answer, validly signed', async () => {
  const dynamodb = trimPerCallWork(new DynamoDBClient(settings()));
  const kms = trimPerCallWork(new KMSClient(settings()));
  const keys = Array.from({ length: 20 }, (_, index) => `PATHASH#${index}`);
  const [items, signatures] = await Promise.all([
    Promise.all(keys.map((pk) => dynamodb.send(getItem(pk)))),
    Promise.all(keys.map((pk) => kms.send(sign(`${KEY_ARN}-${pk}`)))),
  ]);
  expect(items.map((output) => output.Item?.echoed?.S)).toEqual(keys.map((pk) => `item of ${pk}`));
  expect(signatures.map((output) => Buffer.from(output.Signature!).toString())).toEqual(
    keys.map((pk) => `signature by ${KEY_ARN}-${pk}`),
  );
  expect(received).toHaveLength(40);
  expect(received.filter((request) => !request.signatureOk)).toEqual([]);
  dynamodb.destroy();
  kms.destroy();
});

test('the user-agent headers are the SDK’s own, on the first call and every later one', async () => {
  const plain = new KMSClient(settings());
  const trimmed = trimPerCallWork(new KMSClient(settings()));
  await plain.send(sign(KEY_ARN));
  for (let index = 0; index < 3; index++) await trimmed.send(sign(KEY_ARN));
  const [expected, ...fromTrimmed] = received;
  expect(expected!.userAgent).toMatch(/^aws-sdk-js\/\S+ .*api\/kms/);
  for (const request of fromTrimmed) {
    expect([request.userAgent, request.amzUserAgent]).toEqual([expected!.userAgent, expected!.amzUserAgent]);
  }
  plain.destroy();
  trimmed.destroy();
});

test('a signer built once signs each call with the credentials of that moment', async () => {
  let version = 0;
  // Credentials about to expire, so the SDK fetches them again for every call; each version has its own key.
  const rotating = async () => {
    version++;
    const accessKeyId = `AKIAROTATING${version}`;
    knownKeys.set(accessKeyId, `rotating-secret-${version}`);
    return { accessKeyId, secretAccessKey: `rotating-secret-${version}`, expiration: new Date(Date.now() + 1000) };
  };
  const kms = trimPerCallWork(new KMSClient({ ...settings(), credentials: rotating }));
  const keyIds: string[] = [];
  const record = (req: IncomingMessage) =>
    keyIds.push(/Credential=(\w+)\//.exec(String(req.headers.authorization))![1]!);
  server.prependListener('request', record);
  await kms.send(sign(KEY_ARN));
  await kms.send(sign(KEY_ARN));
  server.removeListener('request', record);
  expect(new Set(keyIds).size).toBe(2);
  expect(received.map((request) => request.signatureOk)).toEqual([true, true]);
  kms.destroy();
});

test('the logger middleware is gone; retries, signing and serialization are not', () => {
  const names = trimPerCallWork(new DynamoDBClient(settings())).middlewareStack.identify().join('\n');
  expect(names).not.toMatch(/loggerMiddleware/);
  for (const name of ['retryMiddleware', 'httpSigningMiddleware', 'serializerMiddleware', 'getUserAgentMiddleware']) {
    expect(names).toContain(name);
  }
});
