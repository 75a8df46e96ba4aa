/**
 * The SDK clients' endpoint, looked up once per client (lambdas/shared/aws/client-config.ts `configuredEndpoint`):
 * the same precedence as the SDK's own per-call lookup, checked on the URL a real client would send to.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { FinalizeHandler, MiddlewareStack } from '@smithy/types';
import { clientConfig, configuredEndpoint } from '../../lambdas/shared/aws/client-config';

const credentials = { accessKeyId: 'AKIAENDPOINTTEST', secretAccessKey: 'endpoint-test' };

/** Where a client sends a request: caught before it leaves, so no network is involved. */
async function destination(client: DynamoDBClient | KMSClient, command: unknown): Promise<string> {
  const stop = new Error('stop');
  let url = '';
  (client.middlewareStack as MiddlewareStack<object, object>).add(
    (): FinalizeHandler<object, object> => async (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number; path: string };
      url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}`;
      throw stop;
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  await expect((client as DynamoDBClient).send(command as GetItemCommand)).rejects.toBe(stop);
  return url;
}

const getItem = new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } });
const sign = new SignCommand({ KeyId: 'k', Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
const settings = { ...clientConfig, maxAttempts: 1, region: 'eu-west-1', credentials };

test('the service variable wins over the global one', () => {
  expect(
    configuredEndpoint('DYNAMODB', {
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
    }),
  ).toEqual({ endpoint: 'http://127.0.0.1:8000' });
  expect(configuredEndpoint('KMS', { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' })).toEqual({
    endpoint: 'http://127.0.0.1:9000',
  });
});

test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and an empty variable leave the endpoint to the SDK', () => {
  expect(
    configuredEndpoint('KMS', {
      AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:8000',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE',
    }),
  ).toEqual({ ignoreConfiguredEndpointUrls: true });
  expect(configuredEndpoint('KMS', { AWS_ENDPOINT_URL_KMS: '' })).toEqual({ ignoreConfiguredEndpointUrls: true });
});

test('a client sends to the configured endpoint', async () => {
  const env = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:4000' };
  const dynamodb = new DynamoDBClient({ ...settings, ...configuredEndpoint('DYNAMODB', env) });
  const kms = new KMSClient({ ...settings, ...configuredEndpoint('KMS', env) });
  expect(await destination(dynamodb, getItem)).toBe('http://127.0.0.1:8000/');
  expect(await destination(kms, sign)).toBe('http://127.0.0.1:4000/');
});

test("without one, a client sends to the Region's endpoint, even when the process has a variable set", async () => {
  const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:8000';
  try {
    const dynamodb = new DynamoDBClient({ ...settings, ...configuredEndpoint('DYNAMODB', {}) });
    expect(await destination(dynamodb, getItem)).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
  } finally {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    else process.env.AWS_ENDPOINT_URL_DYNAMODB = previous;
  }
});
