import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { sendRequest } from '../client/signed-fetch';
import type { Route } from '../lambdas/routes';
import { startLocalGateway, type LocalGateway } from '../local/gateway/server';
import { verifySigV4, type SigV4Options, type SigV4Request } from '../local/gateway/sigv4';

const REGION = 'us-east-1';
const ACCESS_KEY_ID = 'AKIDEXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SIGNED_AT = new Date('2026-03-01T12:00:00Z');
const CREDENTIALS = new Map([[ACCESS_KEY_ID, SECRET_ACCESS_KEY]]);
const OPTIONS: SigV4Options = { region: REGION, service: 'execute-api', credentials: CREDENTIALS, now: SIGNED_AT };
const SIGNATURE_MISMATCH = /^The request signature we calculated does not match the signature you provided\./;

/** A request as it goes over the wire, plus the decoded query the SDK signer is given for it. */
interface WireRequest {
  method?: string;
  rawPath: string;
  rawQuery?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
}

interface SigningOverrides {
  secretAccessKey?: string;
  region?: string;
  signingDate?: Date;
  unsignableHeaders?: Set<string>;
}

async function signWithSdk(wire: WireRequest, overrides: SigningOverrides = {}): Promise<SigV4Request> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: overrides.region ?? REGION,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: overrides.secretAccessKey ?? SECRET_ACCESS_KEY },
    sha256: Hash.bind(null, 'sha256'),
  });
  const method = wire.method ?? 'GET';
  const signed = await signer.sign(
    {
      method,
      protocol: 'https:',
      hostname: 'abc123.execute-api.us-east-1.amazonaws.com',
      path: wire.rawPath,
      query: wire.query ?? {},
      headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', ...wire.headers },
      body: wire.body,
    },
    { signingDate: overrides.signingDate ?? SIGNED_AT, unsignableHeaders: overrides.unsignableHeaders },
  );
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { method, rawPath: wire.rawPath, rawQuery: wire.rawQuery ?? '', headers, body: Buffer.from(wire.body ?? '') };
}

const listTokens: WireRequest = {
  rawPath: '/api/users/a%20b%2Fc%E2%9C%93/personal-access-tokens',
  rawQuery: 'z=last&a=2&a=1&q=x%20y&empty=',
  query: { z: 'last', a: ['2', '1'], q: 'x y', empty: '' },
};

const createToken: WireRequest = {
  method: 'POST',
  rawPath: '/api/users/u1/personal-access-tokens',
  headers: { 'content-type': 'application/json' },
  body: '{"name":"ci"}',
};

describe('verifySigV4 against the AWS SDK signer', () => {
  it('accepts a GET with encoded path segments and a repeated, unsorted query', async () => {
    expect(verifySigV4(await signWithSdk(listTokens), OPTIONS)).toEqual({ ok: true, accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a POST with a JSON body and the x-amz-content-sha256 the SDK adds', async () => {
    const request = await signWithSdk(createToken);
    expect(request.headers['x-amz-content-sha256']).toBeDefined();
    expect(verifySigV4(request, OPTIONS)).toEqual({ ok: true, accessKeyId: ACCESS_KEY_ID });
  });

  it('accepts a session token signed along with the request', async () => {
    const request = await signWithSdk({ ...listTokens, headers: { 'x-amz-security-token': 'session-token' } });
    expect(verifySigV4(request, OPTIONS)).toMatchObject({ ok: true });
  });

  it('accepts a signature up to five minutes old', async () => {
    const request = await signWithSdk(createToken);
    const now = new Date(SIGNED_AT.getTime() + 4 * 60_000);
    expect(verifySigV4(request, { ...OPTIONS, now })).toMatchObject({ ok: true });
  });

  it.each<[string, (request: SigV4Request) => SigV4Request]>([
    ['path', (request) => ({ ...request, rawPath: request.rawPath.replace('a%20b', 'a%20c') })],
    ['path encoding of a slash', (request) => ({ ...request, rawPath: request.rawPath.replace('%2F', '/') })],
    ['query value', (request) => ({ ...request, rawQuery: request.rawQuery.replace('a=1', 'a=3') })],
    ['query, dropping a repeated value', (request) => ({ ...request, rawQuery: request.rawQuery.replace('&a=1', '') })],
    ['method', (request) => ({ ...request, method: 'DELETE' })],
    ['signed header', (request) => ({ ...request, headers: { ...request.headers, host: 'evil.example.com' } })],
  ])('rejects a tampered %s', async (_, tamper) => {
    expect(verifySigV4(tamper(await signWithSdk(listTokens)), OPTIONS)).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(SIGNATURE_MISMATCH),
    });
  });

  it('does not let a path signed for one value verify a path that decodes to another', async () => {
    const request = await signWithSdk({ rawPath: '/users/a%2Fb/tokens' });
    expect(verifySigV4(request, OPTIONS)).toMatchObject({ ok: true });
    // '/users/a%252Fb/tokens' is the spec's canonical form of the path above, and its own form as sent.
    expect(verifySigV4({ ...request, rawPath: '/users/a%252Fb/tokens' }, OPTIONS)).toMatchObject({ ok: false });

    const withPercent = await signWithSdk({ rawPath: '/users/100%25/tokens' });
    expect(verifySigV4(withPercent, OPTIONS)).toMatchObject({ ok: true });
  });

  it('does not let a query signed with "%2B" verify one with "+", which the handler reads as a space', async () => {
    const request = await signWithSdk({ rawPath: '/search', rawQuery: 'q=a%2Bb', query: { q: 'a+b' } });
    expect(verifySigV4(request, OPTIONS)).toMatchObject({ ok: true });
    expect(verifySigV4({ ...request, rawQuery: 'q=a+b' }, OPTIONS)).toMatchObject({ ok: false });
  });

  it('rejects a tampered body, whether or not x-amz-content-sha256 is present', async () => {
    const request = await signWithSdk(createToken);
    const tampered = { ...request, body: Buffer.from('{"name":"admin"}') };
    expect(verifySigV4(tampered, OPTIONS)).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });

    const signedWithoutHash = await signWithSdk(createToken, { unsignableHeaders: new Set(['x-amz-content-sha256']) });
    const { 'x-amz-content-sha256': _, ...headers } = signedWithoutHash.headers;
    expect(verifySigV4({ ...signedWithoutHash, headers }, OPTIONS)).toMatchObject({ ok: true });
    expect(verifySigV4({ ...signedWithoutHash, headers, body: tampered.body }, OPTIONS)).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(SIGNATURE_MISMATCH),
    });
  });

  it('never trusts UNSIGNED-PAYLOAD', async () => {
    const request = await signWithSdk({ ...createToken, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect(verifySigV4(request, OPTIONS)).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
  });

  it('rejects a signature made with the wrong secret', async () => {
    const request = await signWithSdk(listTokens, { secretAccessKey: 'not-the-secret' });
    expect(verifySigV4(request, OPTIONS)).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
  });

  it('rejects an unknown access key', async () => {
    const request = await signWithSdk(listTokens);
    expect(verifySigV4(request, { ...OPTIONS, credentials: new Map([['AKIDOTHER', SECRET_ACCESS_KEY]]) })).toEqual({
      ok: false,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects an expired signature and one from the future', async () => {
    const request = await signWithSdk(listTokens);
    expect(verifySigV4(request, { ...OPTIONS, now: new Date(SIGNED_AT.getTime() + 6 * 60_000) })).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: 'Signature expired: 20260301T120000Z is now earlier than 20260301T120100Z (20260301T120600Z - 5 min.)',
    });
    expect(verifySigV4(request, { ...OPTIONS, now: new Date(SIGNED_AT.getTime() - 6 * 60_000) })).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message:
        'Signature not yet current: 20260301T120000Z is still later than 20260301T115900Z (20260301T115400Z + 5 min.)',
    });
  });

  it('rejects a credential scoped to another region', async () => {
    const request = await signWithSdk(listTokens, { region: 'eu-west-1' });
    expect(verifySigV4(request, OPTIONS)).toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'.",
    });
  });

  it('rejects a credential scoped to another service', async () => {
    const request = await signWithSdk(listTokens);
    expect(verifySigV4(request, { ...OPTIONS, service: 'lambda' })).toMatchObject({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'lambda'.",
    });
  });

  it('requires the host header to be signed', async () => {
    const request = await signWithSdk(listTokens, { unsignableHeaders: new Set(['host']) });
    expect(request.headers.authorization).toContain('SignedHeaders=x-amz-content-sha256;x-amz-date,');
    expect(verifySigV4(request, OPTIONS)).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
  });
});

describe('verifySigV4 on malformed requests', () => {
  const unsigned: SigV4Request = {
    method: 'GET',
    rawPath: '/api/applications',
    rawQuery: '',
    headers: { host: 'example.com' },
    body: Buffer.alloc(0),
  };

  it('answers a request without Authorization like API Gateway does', () => {
    expect(verifySigV4(unsigned, OPTIONS)).toEqual({
      ok: false,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('lists everything missing from a non-SigV4 Authorization header', () => {
    const request = { ...unsigned, headers: { ...unsigned.headers, authorization: 'Bearer abc' } };
    expect(verifySigV4(request, OPTIONS)).toEqual({
      ok: false,
      errorType: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either " +
        "a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
    });
  });

  it.each([
    [
      'a short credential',
      'Credential=AKIDEXAMPLE/20260301/us-east-1, SignedHeaders=host, Signature=00',
      '20260301T120000Z',
    ],
    [
      'an unparseable X-Amz-Date',
      'Credential=AKIDEXAMPLE/20260301/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00',
      '2026-03-01',
    ],
    [
      'an impossible X-Amz-Date',
      'Credential=AKIDEXAMPLE/20260230/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00',
      '20260230T120000Z',
    ],
  ])('rejects %s as an incomplete signature', (_, parameters, amzDate) => {
    const headers = { ...unsigned.headers, authorization: `AWS4-HMAC-SHA256 ${parameters}`, 'x-amz-date': amzDate };
    expect(verifySigV4({ ...unsigned, headers }, OPTIONS)).toMatchObject({
      ok: false,
      errorType: 'IncompleteSignatureException',
    });
  });
});

describe('verifySigV4 against the AWS SigV4 test suite', () => {
  // "get-vanilla" from https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html
  it('verifies the published signature', () => {
    const request: SigV4Request = {
      method: 'GET',
      rawPath: '/',
      rawQuery: '',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      },
      body: Buffer.alloc(0),
    };
    const options = { ...OPTIONS, service: 'service', now: new Date('2015-08-30T12:36:00Z') };
    expect(verifySigV4(request, options)).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });

  // "get-vanilla" from the 2011 edition of the suite, signed with a Date header instead of X-Amz-Date.
  it('verifies a signature dated by the Date header', () => {
    const request: SigV4Request = {
      method: 'GET',
      rawPath: '/',
      rawQuery: '',
      headers: {
        host: 'host.foo.com',
        date: 'Mon, 09 Sep 2011 23:36:00 GMT',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, SignedHeaders=date;host, Signature=b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470',
      },
      body: Buffer.alloc(0),
    };
    const options = { ...OPTIONS, service: 'host', now: new Date('2011-09-09T23:36:00Z') };
    expect(verifySigV4(request, options)).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });
});

describe('real clients against the local gateway', () => {
  const echoRoutes: Route[] = [
    { method: 'GET', path: '/users/{userId}/tokens', handler: 'pats', auth: 'iam', operation: 'listTokens' },
    { method: 'POST', path: '/users/{userId}/tokens', handler: 'pats', auth: 'iam', operation: 'createToken' },
  ];
  let gateway: LocalGateway;

  beforeAll(async () => {
    gateway = await startLocalGateway({
      routes: echoRoutes,
      region: REGION,
      credentials: CREDENTIALS,
      log: () => {},
      loadHandler: async () => async (event: APIGatewayProxyEvent) => ({
        statusCode: 200,
        body: JSON.stringify({
          userId: event.pathParameters?.userId,
          query: event.multiValueQueryStringParameters,
          body: event.body,
          accessKey: event.requestContext.identity.accessKey,
        }),
      }),
    });
  });
  afterAll(() => gateway.close());

  async function curl(args: string[], user = `${ACCESS_KEY_ID}:${SECRET_ACCESS_KEY}`) {
    const { stdout } = await promisify(execFile)('curl', [
      '--silent',
      '--show-error',
      '--write-out',
      '\n%{http_code}',
      '--aws-sigv4',
      `aws:amz:${REGION}:execute-api`,
      '--user',
      user,
      ...args,
    ]);
    const statusStart = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(statusStart + 1)), body: JSON.parse(stdout.slice(0, statusStart)) };
  }

  it('accepts curl --aws-sigv4 for a GET with an encoded path and a repeated, unsorted query', async () => {
    const response = await curl([`${gateway.url}/users/a%20b%2Fc%E2%9C%93/tokens?z=1&a=2&a=1&q=x%20y`]);
    expect(response).toEqual({
      status: 200,
      body: {
        userId: 'a%20b%2Fc%E2%9C%93',
        query: { z: ['1'], a: ['2', '1'], q: ['x y'] },
        body: null,
        accessKey: ACCESS_KEY_ID,
      },
    });
  });

  it('accepts curl --aws-sigv4 for a POST with a JSON body', async () => {
    const response = await curl([
      '--header',
      'content-type: application/json',
      '--data',
      '{"name":"ci"}',
      `${gateway.url}/users/u%201/tokens`,
    ]);
    expect(response).toEqual({
      status: 200,
      body: { userId: 'u%201', query: null, body: '{"name":"ci"}', accessKey: ACCESS_KEY_ID },
    });
  });

  it('rejects curl signing with the wrong secret', async () => {
    const response = await curl([`${gateway.url}/users/u1/tokens`], `${ACCESS_KEY_ID}:wrong`);
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(SIGNATURE_MISMATCH);
  });

  it('accepts the AWS SDK signer over HTTP, including a "+" in the query', async () => {
    const response = await sendRequest('POST', `${gateway.url}/users/%C3%BCser%20%2F1/tokens?tag=a+b&tag=c`, {
      body: '{"name":"ci"}',
      headers: { 'content-type': 'application/json' },
      signing: { region: REGION, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY } },
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      userId: '%C3%BCser%20%2F1',
      query: { tag: ['a b', 'c'] },
      body: '{"name":"ci"}',
      accessKey: ACCESS_KEY_ID,
    });
  });
});
