/**
 * The Management API under hostile input: every bad request gets a `{code, message}` 4xx and writes
 * nothing, every valid one round-trips exactly (names in NFC, otherwise byte-identical, through body and path forms).
 * Validity is decided here from the documented rules, not by asking the service's own schemas.
 */
import fc from 'fast-check';
import { startTestService, type TestService } from './harness/service';
import { assertHostile, hostileTally, hostileTimeout } from './support/hostile-runs';
import { expectGatewayDenial, expectManagementError } from './support/protocol-errors';
import { sendSigned, signRequest } from './support/signed-raw';

const SEED = 6_2025;
/** The latest accepted expiry: the end of year 9999, in epoch milliseconds. */
const MAX_EPOCH_MS = 253402300799999;

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
const tally = hostileTally('management');
afterAll(async () => {
  tally.write();
  await service.close();
});

const run = <T>(property: fc.IAsyncProperty<T>, numRuns: number) => assertHostile(property, SEED, numRuns);
const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;
/** `.` and `..` would be removed from the URL as dot segments by any HTTP client, so dots are escaped too. */
const pathSegment = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');

// ---------------------------------------------------------------------------------------------------------
// PAT names

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;

/**
 * The documented rule: well-formed Unicode, stored in NFC; then 1 to 256 code points, no control characters,
 * no bidirectional controls or zero-width characters, not blank, not `.` or `..`.
 */
const isValidName = (sent: string) => {
  if (!sent.isWellFormed()) return false;
  const name = sent.normalize('NFC');
  const length = [...name].length;
  return (
    length >= 1 &&
    length <= 256 &&
    !/\p{Cc}/u.test(name) &&
    !BIDI_CONTROL.test(name) &&
    !ZERO_WIDTH.test(name) &&
    !/^\p{White_Space}*$/u.test(name) &&
    name !== '.' &&
    name !== '..'
  );
};

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const urlSignificant = fc.constantFrom('/', '%', '%2F', '%25', '%zz', '?', '#', '&', '=', '+', ' ', '..', '.', '\\');
const control = fc.constantFrom('\0', '\x07', '\t', '\n', '\r', '\x1f', '\x7f', '\x85', '\x9f');
const exotic = fc.constantFrom(
  'é',
  'e\u0301',
  'A\u030a',
  '\u200d',
  '\u2028',
  '\ufeff',
  '𝄞',
  '👩‍👩‍👧',
  '\uffff',
  'ﷺ',
  '\u{10fffd}',
  '\u202e',
  '\u2067',
  '\u061c',
  '\u200b',
  '\u2060',
  '\u3000',
);

const names = fc.oneof(
  fc.string({
    unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), urlSignificant, exotic),
    maxLength: 12,
  }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.oneof(fc.constantFrom('a', 'Z', '-'), control, loneSurrogate), minLength: 1, maxLength: 6 }),
  // Around the 256 code point limit, with characters of every UTF-8 and UTF-16 width.
  fc
    .tuple(fc.integer({ min: 254, max: 258 }), fc.constantFrom('a', 'é', '€', '𝄞', '/', '%'))
    .map(([length, char]) => char.repeat(length)),
);

it(
  'creates, finds, renames and deletes PATs of any valid name (in NFC, otherwise byte-identical); rejects the rest',
  async () => {
    let valid = 0;
    await run(
      fc.asyncProperty(names, async (name) => {
        const userId = await service.newUser();
        const created = await service.client.raw('POST', patsPath(userId), { name });
        tally.record(
          `PAT name, ${isValidName(name) ? 'valid' : 'invalid'}`,
          created,
          isValidName(name) ? 'valid' : 'bad',
        );
        if (!isValidName(name)) {
          expectManagementError(created, { status: 400, code: 'guard.invalid_input' });
          // An empty segment matches no route at all (API Gateway's own 403), so only non-empty names here;
          // `.` and `..` are dot segments for fetch (see the dot segment test below).
          if (name !== '' && name.isWellFormed() && name !== '.' && name !== '..') {
            const byPath = await service.client.raw('DELETE', `${patsPath(userId)}/${pathSegment(name)}`);
            expectManagementError(byPath, { status: 400, code: 'guard.invalid_input' });
          }
          expect((await service.client.raw('GET', patsPath(userId))).json).toEqual([]);
          return;
        }
        valid++;
        const stored = name.normalize('NFC');
        expect(created.status).toBe(201);
        expect((created.json as { name: string }).name).toBe(stored);
        expect(
          ((await service.client.raw('GET', patsPath(userId))).json as { name: string }[]).map((pat) => pat.name),
        ).toEqual([stored]);

        const renamed = await service.client.raw('PATCH', `${patsPath(userId)}/${pathSegment(name)}`, {
          name: `${name}`,
        });
        expect(renamed.status).toBe(200);
        expect((renamed.json as { name: string }).name).toBe(stored);
        expect((await service.client.raw('DELETE', `${patsPath(userId)}/${pathSegment(name)}`)).status).toBe(204);
        expect((await service.client.raw('GET', patsPath(userId))).json).toEqual([]);
      }),
      130,
    );
    expect(valid).toBeGreaterThan(30);
  },
  hostileTimeout(90_000),
);

// ---------------------------------------------------------------------------------------------------------
// expiresAt

const now = () => Date.now();
const expiresAtValues = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    -0,
    1,
    MAX_EPOCH_MS,
    MAX_EPOCH_MS + 1,
    Number.MAX_SAFE_INTEGER,
    1e308,
    -1e308,
    null,
    true,
    false,
  ),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '', '0', 'now', '2999-01-01T00:00:00Z', '1e13'),
  fc.constant('now').map(() => now()),
  fc.integer({ min: 5_000, max: 10 ** 9 }).map((offset) => now() - offset),
  fc.integer({ min: 5_000, max: 10 ** 12 }).map((offset) => now() + offset),
  fc.integer({ min: 5_000, max: 10 ** 9 }).map((offset) => now() + offset + 0.5),
  fc.double(),
  fc.integer(),
  fc.array(fc.nat(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
/** Raw JSON number texts that JSON.parse turns into surprising values (1e400 is Infinity). */
const expiresAtTexts = fc.constantFrom(
  '1e400',
  '-1e400',
  '-0',
  '1E13',
  '9007199254740993',
  '0.0',
  '1e-400',
  '253402300800000',
);

/** The documented rule, applied to what the server will parse: null/absent, or an integer in (now, year 9999]. */
const isValidExpiry = (sent: unknown) =>
  sent === undefined ||
  sent === null ||
  (Number.isInteger(sent) && (sent as number) > now() + 1000 && (sent as number) <= MAX_EPOCH_MS);

it(
  'accepts expiresAt only as null or a future integer up to year 9999, and stores it exactly',
  async () => {
    const cases = fc.oneof(
      expiresAtValues.map((value) => ({ text: JSON.stringify({ name: 'x', expiresAt: value }) })),
      expiresAtTexts.map((text) => ({ text: `{"name":"x","expiresAt":${text}}` })),
    );
    await run(
      fc.asyncProperty(cases, async ({ text }) => {
        const userId = await service.newUser();
        const sent = (JSON.parse(text) as { expiresAt?: unknown }).expiresAt;
        const response = await service.client.raw('POST', patsPath(userId), text);
        tally.record(
          `expiresAt, ${isValidExpiry(sent) ? 'valid' : 'invalid'}`,
          response,
          isValidExpiry(sent) ? 'valid' : 'bad',
        );
        const listed = (await service.client.raw('GET', patsPath(userId))).json as { expiresAt: unknown }[];
        if (isValidExpiry(sent)) {
          expect(response.status).toBe(201);
          expect((response.json as { expiresAt: unknown }).expiresAt).toBe(sent ?? null);
          expect(listed.map((pat) => pat.expiresAt)).toEqual([sent ?? null]);
        } else {
          expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
          expect(listed).toEqual([]);
        }
      }),
      150,
    );
  },
  hostileTimeout(60_000),
);

// ---------------------------------------------------------------------------------------------------------
// Any body on any write route

const writeRoutes = fc.constantFrom(
  { method: 'POST', path: () => patsPath('user-bodies') },
  { method: 'PATCH', path: () => patsPath('user-bodies') },
  { method: 'POST', path: () => `${patsPath('user-bodies')}/delete` },
  { method: 'PATCH', path: () => `${patsPath('user-bodies')}/missing` },
  { method: 'PATCH', path: () => '/api/users/user-bodies/is-suspended' },
  { method: 'POST', path: () => '/api/applications' },
  { method: 'PATCH', path: () => '/api/applications/unknown-app' },
  { method: 'POST', path: () => '/api/resources' },
);

const jsonWithKnownKeys = fc
  .dictionary(
    fc.constantFrom(
      'name',
      'currentName',
      'expiresAt',
      'scopes',
      'isSuspended',
      'type',
      'indicator',
      'description',
      'customClientMetadata',
      'accessTokenTtl',
      '__proto__',
      'constructor',
    ),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 4 },
  )
  .map((value) => JSON.stringify(value));

const bodies = fc.oneof(
  jsonWithKnownKeys.map((text) => Buffer.from(text)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value))),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .constantFrom('{', '[', '"', 'null', '{"name":', '{"name":"a"}garbage', '\ufeff{"name":"a"}')
    .map((text) => Buffer.from(text)),
  fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }).map((size) => Buffer.from(`{"name":"${'a'.repeat(size)}"}`)),
);

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  undefined,
);

it(
  'answers any body on any write route with a {code, message} 4xx or a success, never a 5xx',
  async () => {
    const statuses = new Map<number, number>();
    await run(
      fc.asyncProperty(writeRoutes, bodies, contentTypes, async (route, body, contentType) => {
        const request = await signRequest(service.config, {
          method: route.method,
          url: `${service.config.baseUrl}${route.path()}`,
          headers: contentType === undefined ? {} : { 'content-type': contentType },
          body,
        });
        const response = await sendSigned(request);
        tally.record('any body on a write route', response);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 300) expectManagementError(response);
      }),
      400,
    );
    // Most of these must be refused; the few that are valid (e.g. {"isSuspended":true}) may succeed.
    const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, count]) => sum + count, 0);
    expect(refused).toBeGreaterThan(320);
  },
  hostileTimeout(60_000),
);

// ---------------------------------------------------------------------------------------------------------
// Path parameters

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** Raw path segments as a client could send them: encoded text, encoded slashes, broken escapes. */
const segments = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(pathSegment),
    fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        '0',
        '-',
        '.',
        '@',
        '|',
        ':',
        '+',
        '=',
        '%2F',
        '%252F',
        '%',
        '%Z',
        '%00',
        '%C3%28',
        '%E2%82%AC',
        '%2E',
      ),
      minLength: 1,
      maxLength: 8,
    }),
    fc.stringMatching(/^[A-Za-z0-9._@|:+=-]{120,135}$/),
  )
  .filter((segment) => {
    // Clients drop dot segments (`%2E` included) before sending, and `delete` is a literal route of its own.
    const dotted = segment.replace(/%2e/gi, '.');
    return dotted !== '.' && dotted !== '..' && decoded(segment) !== 'delete';
  });

const isValidUserId = (value: string | undefined) => value !== undefined && /^[A-Za-z0-9._@|:+=-]{1,128}$/.test(value);
const isValidId = (value: string | undefined) => value !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(value);

it(
  'decodes path parameters once and rejects undecodable or invalid ones with a {code, message} 400',
  async () => {
    await run(
      fc.asyncProperty(segments, async (segment) => {
        const value = decoded(segment);

        const list = await service.client.raw('GET', `/api/users/${segment}/personal-access-tokens`);
        tally.record('path parameter: user id', list, isValidUserId(value) ? 'valid' : 'bad');
        if (isValidUserId(value)) {
          expect(list.status).toBe(200);
          expect(list.json).toEqual([]);
        } else expectManagementError(list, { status: 400, code: 'guard.invalid_input' });

        const pat = await service.client.raw('DELETE', `${patsPath('user-paths')}/${segment}`);
        tally.record('path parameter: PAT name', pat);
        if (value !== undefined && isValidName(value))
          expectManagementError(pat, { status: 404, code: 'entity.not_exists' });
        else expectManagementError(pat, { status: 400, code: 'guard.invalid_input' });

        const app = await service.client.raw('GET', `/api/applications/${segment}`);
        tally.record('path parameter: application id', app);
        if (isValidId(value)) expectManagementError(app, { status: 404, code: 'entity.not_exists' });
        else expectManagementError(app, { status: 400, code: 'guard.invalid_input' });
      }),
      130,
    );
  },
  hostileTimeout(60_000),
);

// ---------------------------------------------------------------------------------------------------------
// Dot segments: the path routed is the path signed

it('routes only the path that was signed: dot segments match no resource, and "." and ".." name nothing', async () => {
  const userId = await service.newUser();
  await service.client.pats.create(userId, { name: 'kept' });
  const tokens = patsPath(userId);
  // Signers remove dot segments before signing, so this signature for "revoke all" also covers these paths.
  const revokeAll = await signRequest(service.config, { method: 'DELETE', url: `${service.config.baseUrl}${tokens}` });
  for (const rawTarget of [
    `${tokens}/.`,
    `${tokens}/kept/..`,
    `/api/users/${userId}/./personal-access-tokens`,
    `/api/users/other/../${userId}/personal-access-tokens`,
    `/api/./applications`,
  ]) {
    const response = await sendSigned({ ...revokeAll, rawTarget });
    tally.record('dot segment in a signed path', response);
    expect({ rawTarget, status: response.status }).toEqual({ rawTarget, status: 403 });
    expectGatewayDenial(response, /^MissingAuthenticationTokenException$/);
  }
  expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['kept']);

  // In a path only as `%2E`, which the signer keeps (but `fetch` would resolve): the handlers refuse them.
  const sendAs = async (method: string, rawPath: string) =>
    sendSigned(await signRequest(service.config, { method, url: service.config.baseUrl, rawPath }));
  for (const dots of ['.', '..']) {
    const refused = [
      await service.client.raw('POST', tokens, { name: dots }),
      await service.client.raw('PATCH', `${tokens}/kept`, { name: dots }),
      await sendAs('DELETE', `${tokens}/${pathSegment(dots)}`),
      await sendAs('GET', `/api/users/${pathSegment(dots)}/personal-access-tokens`),
      await sendAs('DELETE', `/api/users/${pathSegment(dots)}/personal-access-tokens`),
    ];
    for (const response of refused) {
      tally.record('user id or PAT name "." / ".."', response);
      expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
    }
  }
  expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['kept']);
});

// ---------------------------------------------------------------------------------------------------------
// Names people read

it('keeps names unambiguous: one name in NFC and NFD, no bidi controls, zero-width characters or blank names', async () => {
  const userId = await service.newUser();
  const decomposed = 'cafe\u0301';
  const created = await service.client.raw('POST', patsPath(userId), { name: decomposed });
  expect([created.status, (created.json as { name: string }).name]).toEqual([201, 'caf\u00e9']);
  // The composed spelling is the same name: taken, and found by path in either spelling.
  expectManagementError(await service.client.raw('POST', patsPath(userId), { name: 'caf\u00e9' }), {
    status: 422,
    code: 'user.personal_access_token_name_exists',
  });
  expect((await service.client.raw('DELETE', `${patsPath(userId)}/${pathSegment(decomposed)}`)).status).toBe(204);

  const refusals: [string, RegExp][] = [
    ['invoice\u202Efdp.exe', /bidirectional control characters/],
    ['\u2066deploy\u2069', /bidirectional control characters/],
    ['ci\u200Bdeploy', /zero-width characters/],
    ['\uFEFFci', /zero-width characters/],
    [' ', /empty or only whitespace/],
    ['\u3000\u00a0', /empty or only whitespace/],
  ];
  for (const [name, message] of refusals) {
    for (const response of [
      await service.client.raw('POST', patsPath(userId), { name }),
      await service.client.raw('POST', '/api/applications', { name, type: 'SPA' }),
      await service.client.raw('POST', '/api/resources', { name, indicator: 'https://names.example.test' }),
    ]) {
      tally.record('spoofable name (bidi, zero-width, blank)', response);
      expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
      expect((response.json as { message: string }).message).toMatch(message);
    }
  }
  expect((await service.client.raw('GET', patsPath(userId))).json).toEqual([]);
  const names = ((await service.client.raw('GET', '/api/applications')).json as { name: string }[]).map((a) => a.name);
  expect(names.filter((name) => refusals.some(([refused]) => refused === name))).toEqual([]);

  const app = await service.client.raw('POST', '/api/applications', { name: 'Cafe\u0301 app', type: 'SPA' });
  expect((app.json as { name: string }).name).toBe('Caf\u00e9 app');
});
