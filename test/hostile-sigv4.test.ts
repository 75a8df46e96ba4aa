/**
 * IAM auth at the local gateway, attacked: requests signed with the AWS SDK's signer, then tampered with
 * (or signed wrongly, or too long ago). Each must get API Gateway's own 403 — `{message}` plus
 * `x-amzn-ErrorType` — and reach no handler: nothing the tampered requests asked for may have happened.
 */
import fc from 'fast-check';
import { startTestService, type TestService } from './harness/service';
import { assertHostile, hostileTally, hostileTimeout } from './support/hostile-runs';
import { expectGatewayDenial } from './support/protocol-errors';
import { sendSigned, signRequest, type SignedRequest, type SigningOverrides } from './support/signed-raw';

const SEED = 6_2026;
const MAX_SKEW_MS = 5 * 60 * 1000;

let service: TestService;
let victim: string;
let victimPat: string;
let applicationsBefore: number;

beforeAll(async () => {
  service = await startTestService();
  victim = (await service.newUser());
  victimPat = (await service.client.pats.create(victim, { name: 'kept' })).value;
  applicationsBefore = (await service.client.applications.list()).length;
});
const tally = hostileTally('sigv4');
afterAll(async () => {
  tally.write();
  await service.close();
});

interface Call {
  method: string;
  path: string;
  body?: string;
}

/** Requests that would change something if they got through, plus reads. */
const calls = (): fc.Arbitrary<Call> =>
  fc.constantFrom<Call>(
    { method: 'POST', path: `/api/users/${victim}/personal-access-tokens`, body: '{"name":"planted"}' },
    { method: 'PATCH', path: `/api/users/${victim}/is-suspended`, body: '{"isSuspended":true}' },
    { method: 'DELETE', path: `/api/users/${victim}/personal-access-tokens` },
    { method: 'POST', path: '/api/applications', body: '{"name":"planted","type":"SPA"}' },
    { method: 'GET', path: `/api/users/${victim}/personal-access-tokens` },
  );

const sign = (call: Call, overrides: SigningOverrides = {}, contentType = 'application/json') =>
  signRequest(
    service.config,
    {
      method: call.method,
      url: `${service.config.baseUrl}${call.path}`,
      headers: call.body === undefined ? {} : { 'content-type': contentType },
      body: call.body,
    },
    overrides,
  );

const withHeader = (request: SignedRequest, name: string, value: string | undefined): SignedRequest => {
  const { [name]: _dropped, ...headers } = request.headers;
  return { ...request, headers: value === undefined ? headers : { ...headers, [name]: value } };
};
const editAuthorization = (request: SignedRequest, edit: (value: string) => string) =>
  withHeader(request, 'authorization', edit(request.headers.authorization!));

const INVALID_SIGNATURE = /^InvalidSignatureException$/;
const INCOMPLETE_SIGNATURE = /^IncompleteSignatureException$/;
const minutes = (count: number) => count * 60 * 1000;

interface Tamper {
  label: string;
  make(call: Call): Promise<SignedRequest>;
  errorType: RegExp;
  message?: RegExp;
}

const tamper = <T>(
  label: string,
  values: fc.Arbitrary<T>,
  make: (call: Call, value: T) => Promise<SignedRequest>,
  errorType: RegExp,
  message?: RegExp,
) => values.map((value): Tamper => ({ label, make: (call) => make(call, value), errorType, message }));

const alnum = fc.stringMatching(/^[A-Za-z0-9]{16,40}$/);

const tamperKinds: fc.Arbitrary<Tamper>[] = [
  tamper('wrong secret', alnum, (call, secretAccessKey) => sign(call, { secretAccessKey }), INVALID_SIGNATURE),
  tamper(
    'unknown access key',
    fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
    (call, accessKeyId) => sign(call, { accessKeyId }),
    /^UnrecognizedClientException$/,
  ),
  tamper(
    'body changed after signing',
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })),
    async (call, [at, delta]) => {
      const signed = await sign({ ...call, body: call.body ?? '{}' });
      const body = Buffer.from(signed.body);
      const index = at % body.length;
      body[index] = (body[index]! + delta) % 256;
      return { ...signed, body };
    },
    INVALID_SIGNATURE,
  ),
  tamper(
    'path changed after signing',
    fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    async (call, otherUser) => {
      const signed = await sign(call);
      const url = signed.url.includes(victim)
        ? signed.url.replace(victim, `${victim}${otherUser}`)
        : signed.url.replace('/api/applications', '/api/resources');
      return { ...signed, url };
    },
    INVALID_SIGNATURE,
  ),
  tamper(
    'query added after signing',
    fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z0-9]{0,8}$/)),
    async (call, [name, value]) => {
      const signed = await sign(call);
      return { ...signed, url: `${signed.url}?${name}=${value}` };
    },
    INVALID_SIGNATURE,
  ),
  tamper(
    'harmless GET replayed with another method',
    fc.constantFrom('DELETE', 'POST', 'PATCH'),
    async (_call, method) => ({
      ...(await sign({ method: 'GET', path: `/api/users/${victim}/personal-access-tokens` })),
      method,
    }),
    INVALID_SIGNATURE,
  ),
  tamper(
    'signed header changed after signing',
    fc.constantFrom('content-type', 'x-amz-date'),
    async (call, name) => {
      const signed = await sign({ ...call, body: call.body ?? '{}' });
      const value = signed.headers[name]!;
      const changed =
        name === 'content-type' ? 'text/plain' : value.replace(/\d(?=Z$)/, (digit) => String((Number(digit) + 1) % 10));
      return withHeader(signed, name, changed);
    },
    INVALID_SIGNATURE,
  ),
  tamper(
    'signed header repeated with another value',
    fc.constantFrom<[string, string]>(
      ['content-type', 'application/json'],
      ['host', 'attacker.example'],
      ['x-amz-date', '20300101T000000Z'],
    ),
    async (call, [name, value]) => {
      // Signed with one value; a handler reading the other would act on what nobody signed.
      const signed = await sign(
        { ...call, body: call.body ?? '{}' },
        {},
        name === 'content-type' ? 'text/plain' : undefined,
      );
      return { ...signed, extraHeaders: [[name, value]] };
    },
    INVALID_SIGNATURE,
    /^The '(content-type|host|x-amz-date)' header must not appear more than once\.$/,
  ),
  tamper(
    'signature digit changed',
    fc.nat({ max: 63 }),
    async (call, at) =>
      editAuthorization(await sign(call), (value) =>
        value.replace(/Signature=([0-9a-f]{64})/, (_match, signature: string) => {
          const digit = signature[at] === '0' ? '1' : '0';
          return `Signature=${signature.slice(0, at)}${digit}${signature.slice(at + 1)}`;
        }),
      ),
    INVALID_SIGNATURE,
  ),
  tamper(
    'no Authorization header',
    fc.constant(null),
    async (call) => withHeader(await sign(call), 'authorization', undefined),
    /^MissingAuthenticationTokenException$/,
    /^Missing Authentication Token$/,
  ),
  tamper(
    'no X-Amz-Date header',
    fc.constant(null),
    async (call) => withHeader(await sign(call), 'x-amz-date', undefined),
    INCOMPLETE_SIGNATURE,
  ),
  tamper(
    'Authorization without one of its parts',
    fc.constantFrom('Credential', 'SignedHeaders', 'Signature'),
    async (call, part) =>
      editAuthorization(await sign(call), (value) => value.replace(new RegExp(`,?\\s*${part}=[^,]*`), '')),
    INCOMPLETE_SIGNATURE,
  ),
  tamper(
    'Host left out of SignedHeaders',
    fc.constant(null),
    async (call) =>
      editAuthorization(await sign(call), (value) =>
        value.replace(/SignedHeaders=host;/, 'SignedHeaders=').replace(/;host(?=[;,])/, ''),
      ),
    INVALID_SIGNATURE,
  ),
  tamper(
    'credential scoped to another region or service',
    fc.constantFrom<SigningOverrides>({ region: 'eu-west-1' }, { service: 'execute-apis' }, { service: 'dynamodb' }),
    (call, overrides) => sign(call, overrides),
    INVALID_SIGNATURE,
  ),
  tamper(
    'signed more than 5 minutes ago',
    fc.integer({ min: 2_000, max: 7 * 24 * 3600 * 1000 }),
    (call, extra) => sign(call, { signingDate: new Date(Date.now() - MAX_SKEW_MS - extra) }),
    INVALID_SIGNATURE,
    /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/,
  ),
  tamper(
    'signed more than 5 minutes ahead',
    fc.integer({ min: 2_000, max: 7 * 24 * 3600 * 1000 }),
    (call, extra) => sign(call, { signingDate: new Date(Date.now() + MAX_SKEW_MS + extra) }),
    INVALID_SIGNATURE,
    /^Signature not yet current: /,
  ),
];
const tampers = fc.oneof(...tamperKinds);

it(
  'answers every tampered or badly signed request with API Gateway 403 and lets none through',
  async () => {
    const seen = new Set<string>();
    await assertHostile(
      fc.asyncProperty(calls(), tampers, async (call, { label, make, errorType, message }) => {
        seen.add(label);
        const response = await sendSigned(await make(call));
        tally.record(label, response);
        expectGatewayDenial(response, errorType);
        if (message) expect((response.json as { message: string }).message).toMatch(message);
      }),
      SEED,
      400,
    );
    expect(seen.size).toBe(tamperKinds.length);

    // Nothing the tampered requests asked for happened.
    expect((await service.client.pats.list(victim)).map((pat) => pat.name)).toEqual(['kept']);
    expect(await service.client.applications.list()).toHaveLength(applicationsBefore);
    const { clientId, clientSecret } = service.config.demoApplication;
    expect((await service.client.exchange({ pat: victimPat, clientId, clientSecret })).status).toBe(200);
  },
  hostileTimeout(60_000),
);

it('accepts a correctly signed request from anywhere inside the allowed clock skew', async () => {
  const list: Call = { method: 'GET', path: `/api/users/${victim}/personal-access-tokens` };
  await assertHostile(
    fc.asyncProperty(fc.integer({ min: -minutes(4.5), max: minutes(4.5) }), async (skew) => {
      const response = await sendSigned(await sign(list, { signingDate: new Date(Date.now() + skew) }));
      tally.record('valid: signed within the clock skew', response, 'valid');
      expect(response.status).toBe(200);
    }),
    SEED,
    20,
  );
});
