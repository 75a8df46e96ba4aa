/**
 * The token endpoint under hostile input. fast-check builds valid token requests, breaks them in one or
 * several ways, or sends plain garbage; every answer must be a 4xx RFC 6749 error (the exact one where a
 * single defect decides it), never a 5xx and never a token. Fixed seed, bounded runs.
 */
import fc from 'fast-check';
import { MAX_TOKEN_REQUEST_BYTES } from '../lambdas/token/token-request';
import { startTestService, type TestService } from './harness/service';
import { assertHostile, hostileTally, hostileTimeout } from './support/hostile-runs';
import { oneCharChanged, unknownWellFormedPat } from './support/pat-values';
import {
  PAT_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  expectOAuthClientError,
  type AnyResponse,
} from './support/protocol-errors';
import { basicAuthorization, edit, hasHeader, sendTokenCall, type TokenCall } from './support/token-requests';

const SEED = 6_2024;
const FORM = 'application/x-www-form-urlencoded';
const INVALID_SUBJECT = 'The subject_token is invalid.';

let service: TestService;
let userId: string;
let pat: string;
let publicClientId: string;
let disallowed: { id: string; secret: string };
let indicator: string;

beforeAll(async () => {
  service = await startTestService();
  userId = await service.newUser();
  pat = (await service.client.pats.create(userId, { name: 'hostile' })).value;
  publicClientId = (await service.client.applications.create({ name: 'cli', type: 'Native', allowTokenExchange: true }))
    .id;
  const web = await service.client.applications.create({ name: 'no-exchange', type: 'Traditional' });
  disallowed = { id: web.id, secret: web.secret! };
  indicator = `https://api.example.com/${userId}`;
  const resource = await service.client.resources.create({ name: 'API', indicator, scopes: ['read:items'] });
  // Logto's RBAC: the resource's scopes reach the user through a role.
  const scopes = await service.client.resources.scopes.list(resource.id);
  const role = await service.client.roles.create({
    name: 'hostile-reader',
    description: 'the resource scopes',
    scopeIds: scopes.map((scope) => scope.id),
  });
  await service.client.roles.assign(userId, [role.id]);
});
const tally = hostileTally('token-endpoint');
afterAll(async () => {
  tally.write();
  await service.close();
});

const demo = () => service.config.demoApplication;
const send = (call: TokenCall) => sendTokenCall(service.config.baseUrl, call);
const run = <T>(property: fc.IAsyncProperty<T>, numRuns: number) => assertHostile(property, SEED, numRuns);

// ---------------------------------------------------------------------------------------------------------
// Valid requests, in every benign variation: the baseline the defects below break.

const validCall: fc.Arbitrary<TokenCall> = fc
  .record({
    auth: fc.constantFrom('basic', 'post', 'public'),
    contentType: fc.constantFrom(FORM, `${FORM}; charset=utf-8`, 'Application/X-WWW-Form-URLEncoded;charset="UTF-8"'),
    withResource: fc.boolean(),
    scope: fc.option(fc.constantFrom('openid', 'openid  email', 'unknown openid'), { nil: undefined }),
    requestedType: fc.boolean(),
    order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    spaceAsPlus: fc.boolean(),
    authHeaderName: fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION'),
  })
  .map((choice) => {
    const params: Array<[string, string]> = [
      ['grant_type', TOKEN_EXCHANGE_GRANT],
      ['subject_token', pat],
      ['subject_token_type', PAT_TOKEN_TYPE],
    ];
    if (choice.withResource) params.push(['resource', indicator]);
    if (choice.scope !== undefined) params.push(['scope', choice.withResource ? 'read:items' : choice.scope]);
    if (choice.requestedType) params.push(['requested_token_type', 'urn:ietf:params:oauth:token-type:access_token']);
    if (choice.auth === 'post') params.push(['client_id', demo().clientId], ['client_secret', demo().clientSecret]);
    if (choice.auth === 'public') params.push(['client_id', publicClientId]);
    const headers: Array<[string, string]> = [['Content-Type', choice.contentType]];
    if (choice.auth === 'basic') {
      headers.push([choice.authHeaderName, basicAuthorization(demo().clientId, demo().clientSecret)]);
    }
    const shuffled = params
      .map((param, index) => ({ param, key: choice.order[index] ?? index }))
      .sort((a, b) => a.key - b.key)
      .map(({ param }) => param);
    return { params: shuffled, headers, raw: [], spaceAsPlus: choice.spaceAsPlus };
  });

/**
 * The scope granted for each `scope` sent (none sent: ''): nothing requested means nothing granted, unknown
 * scopes are dropped, and with the resource its own scopes apply.
 */
const GRANTED_SCOPE: Record<string, string> = {
  '': '',
  openid: 'openid',
  'openid  email': 'openid email',
  'unknown openid': 'openid',
  'read:items': 'read:items',
};

it(
  'issues a verifiable token for every benign variation of a valid request (the baseline)',
  async () => {
    const scopesSent = new Set<string>();
    await run(
      fc.asyncProperty(validCall, async (call) => {
        const sent = call.params.find(([name]) => name === 'scope')?.[1] ?? '';
        scopesSent.add(sent);
        const response = await send(call);
        tally.record('valid: benign variation', response, 'valid');
        expect(response.status).toBe(200);
        const body = response.json as { access_token: string; scope: unknown };
        const { payload } = await service.verify(body.access_token);
        expect(payload.sub).toBe(userId);
        // `scope` is always there, in the response and the token, and empty when none was asked for.
        expect(body.scope).toBe(GRANTED_SCOPE[sent]);
        expect(payload).toHaveProperty('scope', GRANTED_SCOPE[sent]);
      }),
      25,
    );
    expect(scopesSent).toContain('');
    expect(scopesSent.size).toBeGreaterThan(2);
  },
  hostileTimeout(20_000),
);

// ---------------------------------------------------------------------------------------------------------
// Defects, each with the answer it must get on an otherwise valid request.

type Expected = { status: number; error: string; description?: string } | 'invalid_client_or_request';

interface Defect {
  label: string;
  apply(call: TokenCall): TokenCall;
  expected: Expected;
}

const defect = <T>(
  label: string,
  values: fc.Arbitrary<T>,
  apply: (call: TokenCall, value: T) => TokenCall,
  expected: Expected,
) => values.map((value): Defect => ({ label, apply: (call) => apply(call, value), expected }));

const invalidRequest = { status: 400, error: 'invalid_request' };
const invalidClient = { status: 401, error: 'invalid_client' };
const requiredParams = ['grant_type', 'subject_token', 'subject_token_type'] as const;

/** Printable Latin-1 without DEL: what an HTTP header line can carry. */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((code) => code !== 0x7f)
    .map((code) => String.fromCharCode(code)),
  maxLength: 80,
});
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const plausibleClientId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const clientIdWithColonOrPercent = fc
  .tuple(plausibleClientId, fc.constantFrom(':', '%', '%3A', '%25', 'a:b%'), plausibleClientId)
  .map(([head, odd, tail]) => `${head}${odd}${tail}`);
const mediaTypeOf = (value: string) => value.split(';')[0]!.trim().toLowerCase();

const malformedAuthorization = fc.oneof(
  fc.constantFrom('', 'Basic', 'Basic ', 'basic', 'Basic ====', 'Basic a b', 'Bearer', 'Digest username="x"'),
  headerText.map((text) => `Bearer ${text}`),
  headerText.map((text) => `Basic ${text}`),
  headerText,
  fc.constantFrom('no-colon', ':only-secret', '%zz:secret', 'id:%E0%A4', ':').map((pair) => `Basic ${base64(pair)}`),
  fc.uint8Array({ maxLength: 48 }).map((bytes) => `Basic ${base64(Buffer.from(bytes))}`),
  fc.tuple(plausibleClientId, headerText).map(([id, secret]) => `Basic ${base64(`${id}:${secret}`)}`),
);

/** The request as a whole: the form, its media type and bytes, the grant type, how the client presents itself. */
const requestDefects: fc.Arbitrary<Defect>[] = [
  defect('missing parameter', fc.constantFrom(...requiredParams), edit.withoutParam, invalidRequest),
  defect(
    'empty parameter',
    fc.constantFrom(...requiredParams),
    (call, name) => edit.setParam(call, name, ''),
    invalidRequest,
  ),
  defect(
    'repeated parameter',
    fc.tuple(fc.nat(), fc.boolean()),
    (call, [index, sameValue]) => {
      const [name, value] = call.params[index % call.params.length]!;
      return { ...call, params: [...call.params, [name, sameValue ? value : `${value}x`]] };
    },
    invalidRequest,
  ),
  defect(
    'other grant type',
    fc
      .oneof(
        fc.constantFrom(
          'client_credentials',
          'password',
          'refresh_token',
          TOKEN_EXCHANGE_GRANT.toUpperCase(),
          `${TOKEN_EXCHANGE_GRANT} `,
        ),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      )
      .filter((grant) => grant !== TOKEN_EXCHANGE_GRANT),
    (call, grant) => edit.setParam(call, 'grant_type', grant),
    { status: 400, error: 'unsupported_grant_type' },
  ),
  defect(
    'other or missing content type',
    fc
      .option(
        fc.oneof(
          fc.constantFrom(
            'application/json',
            'text/plain',
            'multipart/form-data; boundary=x',
            `${FORM}x`,
            'application/octet-stream',
          ),
          headerText,
        ),
        { nil: undefined },
      )
      .filter((type) => type === undefined || mediaTypeOf(type) !== FORM),
    (call, type) =>
      type === undefined ? edit.withoutHeader(call, 'content-type') : edit.setHeader(call, 'Content-Type', type),
    invalidRequest,
  ),
  defect(
    'charset other than UTF-8',
    fc.constantFrom('iso-8859-1', 'utf-16', 'utf8', '"latin1"', 'us-ascii'),
    (call, charset) => edit.setHeader(call, 'Content-Type', `${FORM}; charset=${charset}`),
    invalidRequest,
  ),
  defect(
    'non-UTF-8 bytes',
    fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80]),
    (call, bytes) => ({ ...call, raw: [...call.raw, Buffer.concat([Buffer.from('x='), Buffer.from(bytes)])] }),
    invalidRequest,
  ),
  defect(
    'invalid percent-encoding',
    fc.constantFrom('x=%', 'x=%zz', 'x=%4', '%zz=1', 'x=%C3%28', 'x=%ED%A0%80', 'x=%E2%82', 'x=%FF'),
    (call, raw) => ({ ...call, raw: [...call.raw, Buffer.from(raw)] }),
    invalidRequest,
  ),
  defect(
    'body beyond MAX_TOKEN_REQUEST_BYTES',
    fc.integer({ min: MAX_TOKEN_REQUEST_BYTES + 1, max: 256 * 1024 }),
    (call, size) => ({ ...call, padTo: size }),
    invalidRequest,
  ),
  defect(
    'malformed Authorization header',
    malformedAuthorization,
    (call, value) => edit.setHeader(edit.setClientAuth(call, {}), 'Authorization', value),
    'invalid_client_or_request',
  ),
  defect(
    'two Authorization headers',
    fc.constant(null),
    (call) => {
      const withBasic = edit.setClientAuth(call, { basic: [demo().clientId, demo().clientSecret] });
      return {
        ...withBasic,
        headers: [...withBasic.headers, ['Authorization', basicAuthorization(demo().clientId, demo().clientSecret)]],
      };
    },
    invalidRequest,
  ),
  defect(
    'Basic and client_secret_post together',
    fc.constant(null),
    (call) =>
      edit.setClientAuth(call, { basic: [demo().clientId, demo().clientSecret], clientSecret: demo().clientSecret }),
    invalidRequest,
  ),
  defect(
    'posted client_id that differs from Basic',
    plausibleClientId.filter((id) => id !== demo().clientId),
    (call, id) => edit.setClientAuth(call, { basic: [demo().clientId, demo().clientSecret], clientId: id }),
    invalidRequest,
  ),
  defect('no client authentication', fc.constant(null), (call) => edit.setClientAuth(call, {}), invalidRequest),
];

/** Problems with the grant's own parameters and the subject token: reported only after client authentication. */
const grantParameterDefects: fc.Arbitrary<Defect>[] = [
  defect(
    'random subject_token',
    fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).filter((value) => value !== pat),
    (call, token) => edit.setParam(call, 'subject_token', token),
    { ...invalidRequest, description: INVALID_SUBJECT },
  ),
  defect(
    'PAT with one character changed',
    fc.constant(null).chain(() => oneCharChanged(pat)),
    (call, token) => edit.setParam(call, 'subject_token', token),
    { ...invalidRequest, description: INVALID_SUBJECT },
  ),
  defect(
    'well-formed unknown PAT',
    unknownWellFormedPat,
    (call, token) => edit.setParam(call, 'subject_token', token),
    { ...invalidRequest, description: INVALID_SUBJECT },
  ),
  defect(
    'other subject_token_type',
    fc
      .oneof(
        fc.constantFrom('urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:token-type:access_token'),
        fc.string({ minLength: 1 }),
      )
      .filter((type) => type !== PAT_TOKEN_TYPE),
    (call, type) => edit.setParam(call, 'subject_token_type', type),
    invalidRequest,
  ),
  defect(
    'actor token',
    fc.constantFrom('actor_token', 'actor_token_type'),
    (call, name) => edit.setParam(call, name, pat),
    invalidRequest,
  ),
  defect(
    'other requested_token_type',
    fc.constantFrom(
      'urn:ietf:params:oauth:token-type:id_token',
      'urn:ietf:params:oauth:token-type:refresh_token',
      'jwt',
    ),
    (call, type) => edit.setParam(call, 'requested_token_type', type),
    invalidRequest,
  ),
  defect(
    'scope with a character RFC 6749 forbids',
    fc.tuple(fc.stringMatching(/^[a-z:]{0,8}$/), fc.constantFrom('"', '\\', '\t', '\0', '\x7f', 'é', '€', '\u2028')),
    (call, [token, bad]) => edit.setParam(call, 'scope', `openid ${token}${bad}`),
    { status: 400, error: 'invalid_scope' },
  ),
  defect(
    'resource that is no absolute URI or has a fragment',
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 60 }).filter((value) => !URL.canParse(value)),
      fc.webUrl().map((url) => `${url}#${'frag'}`),
    ),
    (call, resource) => edit.setParam(call, 'resource', resource),
    { status: 400, error: 'invalid_target' },
  ),
  defect(
    // Long multi-byte indicators once overflowed DynamoDB's 2048-byte key limit: a 500.
    'unregistered resource (long, multi-byte)',
    fc.string({ unit: fc.constantFrom('€', '中', 'é'), minLength: 900, maxLength: 967 }),
    (call, path) => edit.setParam(call, 'resource', `https://unregistered.example.com/${path}`),
    { status: 400, error: 'invalid_target' },
  ),
  defect(
    // Never ignored: a client asking for an organization token must not get a plain one.
    'organization token requested',
    fc.string({ minLength: 1, maxLength: 30 }),
    (call, organization) => edit.setParam(call, 'organization_id', organization),
    invalidRequest,
  ),
  defect(
    'missing or empty subject parameter',
    fc.tuple(fc.constantFrom('subject_token', 'subject_token_type'), fc.boolean()),
    (call, [name, empty]) => (empty ? edit.setParam(call, name, '') : edit.withoutParam(call, name)),
    invalidRequest,
  ),
];

/** A client that fails authentication, or may not exchange: decided before the grant's parameters are looked at. */
const clientAuthenticationDefects: fc.Arbitrary<Defect>[] = [
  defect(
    'wrong client secret (Basic)',
    fc.string({ minLength: 0, maxLength: 40 }),
    (call, secret) => edit.setClientAuth(call, { basic: [demo().clientId, secret] }),
    invalidClient,
  ),
  defect(
    'wrong client secret (posted)',
    fc.string({ minLength: 1, maxLength: 40 }),
    (call, secret) => edit.setClientAuth(call, { clientId: demo().clientId, clientSecret: secret }),
    invalidClient,
  ),
  defect(
    'unknown client id',
    plausibleClientId,
    (call, id) => edit.setClientAuth(call, { basic: [id, demo().clientSecret] }),
    invalidClient,
  ),
  defect(
    'client id with ":" or "%"',
    fc.tuple(clientIdWithColonOrPercent, fc.boolean()),
    (call, [id, posted]) =>
      edit.setClientAuth(
        call,
        posted ? { clientId: id, clientSecret: 'secret' } : { basic: [id, demo().clientSecret] },
      ),
    invalidClient,
  ),
  defect(
    'confidential client without its secret',
    fc.constant(null),
    (call) => edit.setClientAuth(call, { clientId: demo().clientId }),
    invalidClient,
  ),
  defect(
    'public client with a secret',
    fc.string({ minLength: 1, maxLength: 20 }),
    (call, secret) => edit.setClientAuth(call, { clientId: publicClientId, clientSecret: secret }),
    invalidClient,
  ),
  defect(
    'client not allowed to exchange tokens',
    fc.constant(null),
    (call) => edit.setClientAuth(call, { basic: [disallowed.id, disallowed.secret] }),
    { status: 400, error: 'unauthorized_client' },
  ),
];

const defectKinds = [...requestDefects, ...grantParameterDefects, ...clientAuthenticationDefects];
const defects = fc.oneof(...defectKinds);

function check(response: AnyResponse, call: TokenCall, expected: Expected | 'any client error') {
  const sentAuthorization = hasHeader(call, 'authorization');
  if (expected === 'any client error') return expectOAuthClientError(response, { sentAuthorization });
  if (expected === 'invalid_client_or_request') {
    expectOAuthClientError(response, { sentAuthorization });
    const error = (response.json as { error: string }).error;
    expect([response.status, error]).toEqual(
      error === 'invalid_client' ? [401, 'invalid_client'] : [400, 'invalid_request'],
    );
    return;
  }
  expectOAuthClientError(response, { ...expected, sentAuthorization });
}

it(
  'answers each single defect with its own RFC 6749 error',
  async () => {
    const seen = new Set<string>();
    await run(
      fc.asyncProperty(validCall, defects, async (call, { label, apply, expected }) => {
        seen.add(label);
        const broken = apply(call);
        const response = await send(broken);
        tally.record(`single defect: ${label}`, response);
        check(response, broken, expected);
      }),
      450,
    );
    // Every defect kind was actually tried (a generator that filters everything away would hide here).
    expect(seen.size).toBe(defectKinds.length);
  },
  hostileTimeout(60_000),
);

it(
  "reports problems with the grant's parameters only after client authentication (RFC 6749 §5.2)",
  async () => {
    const seen = new Set<string>();
    await run(
      fc.asyncProperty(
        validCall,
        fc.array(fc.oneof(...grantParameterDefects), { minLength: 1, maxLength: 3 }),
        fc.oneof(...clientAuthenticationDefects),
        async (call, parameterDefects, clientDefect) => {
          seen.add(clientDefect.label);
          const broken = clientDefect.apply(parameterDefects.reduce((current, { apply }) => apply(current), call));
          const response = await send(broken);
          tally.record('grant parameter defects behind a client defect', response);
          check(response, broken, clientDefect.expected);
        },
      ),
      150,
    );
    expect(seen.size).toBe(clientAuthenticationDefects.length);
  },
  hostileTimeout(60_000),
);

it(
  'answers any combination of defects with a 4xx RFC 6749 error and no token',
  async () => {
    await run(
      fc.asyncProperty(validCall, fc.array(defects, { minLength: 2, maxLength: 4 }), async (call, chosen) => {
        const broken = chosen.reduce((current, { apply }) => apply(current), call);
        const response = await send(broken);
        tally.record('combined defects (2–4)', response);
        check(response, broken, 'any client error');
      }),
      300,
    );
  },
  hostileTimeout(60_000),
);

it(
  'answers garbage bodies and headers with a 4xx RFC 6749 error and no token',
  async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: 'binary', maxLength: 512 }).map((text) => Buffer.from(text)),
      fc
        .array(
          fc.tuple(fc.constantFrom('grant_type', 'subject_token', 'client_id', 'scope', 'resource', 'x'), fc.string()),
          {
            maxLength: 8,
          },
        )
        .map((pairs) => Buffer.from(pairs.map(([name, value]) => `${name}=${value}`).join('&'))),
    );
    const headers = fc.array(
      fc.tuple(fc.constantFrom('Content-Type', 'Authorization', 'X-Forwarded-For', 'Accept'), headerText),
      { maxLength: 4 },
    );
    await run(
      fc.asyncProperty(body, headers, fc.boolean(), async (bytes, headerLines, formType) => {
        const call: TokenCall = {
          params: [],
          headers: formType ? [['Content-Type', FORM], ...headerLines] : headerLines,
          raw: [],
          spaceAsPlus: false,
        };
        const response = await sendTokenCall(service.config.baseUrl, { ...call, raw: bytes.length ? [bytes] : [] });
        tally.record('garbage body and headers', response);
        check(response, call, 'any client error');
      }),
      300,
    );
  },
  hostileTimeout(60_000),
);

it('accepts a body of exactly MAX_TOKEN_REQUEST_BYTES and rejects one byte more', async () => {
  const base: TokenCall = {
    params: [
      ['grant_type', TOKEN_EXCHANGE_GRANT],
      ['subject_token', pat],
      ['subject_token_type', PAT_TOKEN_TYPE],
    ],
    headers: [
      ['Content-Type', FORM],
      ['Authorization', basicAuthorization(demo().clientId, demo().clientSecret)],
    ],
    raw: [],
    spaceAsPlus: false,
  };
  expect((await send({ ...base, padTo: MAX_TOKEN_REQUEST_BYTES })).status).toBe(200);
  check(await send({ ...base, padTo: MAX_TOKEN_REQUEST_BYTES + 1 }), base, invalidRequest);
});
