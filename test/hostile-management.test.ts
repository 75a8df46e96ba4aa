/**
 * The Management API under hostile input: every bad request gets a `{code, message}` 4xx and writes
 * nothing, every valid one round-trips exactly (PAT names in NFC, otherwise byte-identical, through body and
 * path forms; user profiles field by field; unique identifiers refused with 422 when taken).
 * Validity is decided here from the documented rules, not by asking the service's own schemas.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { startTestService, type TestService } from './harness/service';
import { assertHostile, hostileTally, hostileTimeout } from './support/hostile-runs';
import { expectGatewayDenial, expectManagementError } from './support/protocol-errors';
import { sendSigned, signRequest } from './support/signed-raw';

const SEED = 6_2025;
/** The latest accepted expiry: the end of year 9999, in epoch milliseconds. */
const MAX_EPOCH_MS = 253402300799999;

let service: TestService;
/** Registered owners of the fixed paths used below (PAT routes answer 404 for unregistered users). */
const BODIES_USER = 'user-bodies';
const PATHS_USER = 'user-paths';

beforeAll(async () => {
  service = await startTestService();
  await Promise.all([BODIES_USER, PATHS_USER].map((id) => service.client.users.create({ id })));
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

/** The documented shape, applied to what the server will parse: null/absent, or an integer up to year 9999. */
const isWellFormedExpiry = (sent: unknown): sent is number | null | undefined =>
  sent === undefined || sent === null || (Number.isSafeInteger(sent) && (sent as number) <= MAX_EPOCH_MS);

it('accepts expiresAt only as null or a future integer up to year 9999, and stores it exactly', async () => {
  const cases = fc.oneof(
    expiresAtValues.map((value) => ({ text: JSON.stringify({ name: 'x', expiresAt: value }) })),
    expiresAtTexts.map((text) => ({ text: `{"name":"x","expiresAt":${text}}` })),
  );
  const verdicts = new Map<string, number>();
  await run(
    fc.asyncProperty(cases, async ({ text }) => {
      const userId = await service.newUser();
      const sent = (JSON.parse(text) as { expiresAt?: unknown }).expiresAt;
      const sentAt = now();
      const response = await service.client.raw('POST', patsPath(userId), text);
      const answeredAt = now();
      const listed = (await service.client.raw('GET', patsPath(userId))).json as { expiresAt: unknown }[];
      const expectCreated = () => {
        expect(response.status).toBe(201);
        expect((response.json as { expiresAt: unknown }).expiresAt).toBe(sent ?? null);
        expect(listed.map((pat) => pat.expiresAt)).toEqual([sent ?? null]);
      };
      // Logto's answers: a malformed value is the guard's; a well-formed one in the past is the request's.
      const expectPastRefused = () => {
        expectManagementError(response, { status: 400, code: 'request.invalid_input' });
        expect(listed).toEqual([]);
      };
      let verdict: string;
      if (!isWellFormedExpiry(sent)) {
        verdict = 'malformed';
        expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
        expect(listed).toEqual([]);
      } else if (sent === undefined || sent === null || sent > answeredAt) {
        verdict = 'accepted';
        expectCreated();
      } else if (sent <= sentAt) {
        verdict = 'past';
        expectPastRefused();
      } else {
        // Within the request's own round trip: the server's clock decides, either answer is exact.
        verdict = 'borderline';
        if (response.status === 201) expectCreated();
        else expectPastRefused();
      }
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
    }),
    120,
  );
  expect(verdicts.get('malformed')).toBeGreaterThan(10);
  expect(verdicts.get('accepted')).toBeGreaterThan(10);
  expect(verdicts.get('past')).toBeGreaterThan(10);
}, 60_000);

// ---------------------------------------------------------------------------------------------------------
// Any body on any write route

const writeRoutes = fc.constantFrom(
  { method: 'POST', path: () => patsPath(BODIES_USER) },
  { method: 'PATCH', path: () => patsPath(BODIES_USER) },
  { method: 'POST', path: () => `${patsPath(BODIES_USER)}/delete` },
  { method: 'PATCH', path: () => `${patsPath(BODIES_USER)}/missing` },
  { method: 'PATCH', path: () => `/api/users/${BODIES_USER}/is-suspended` },
  { method: 'POST', path: () => '/api/users' },
  { method: 'PATCH', path: () => `/api/users/${BODIES_USER}` },
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
      'id',
      'avatar',
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

it('decodes path parameters once and rejects undecodable or invalid ones with a {code, message} 400', async () => {
  await run(
    fc.asyncProperty(segments, async (segment) => {
      const value = decoded(segment);

      const list = await service.client.raw('GET', `/api/users/${segment}/personal-access-tokens`);
      if (isValidUserId(value)) {
        // Unregistered, then registered under the decoded id (sent in a JSON body): the path names exactly it.
        // (Other tests here may have registered short ids through JSON bodies already.)
        const known = await service.client.raw('GET', `/api/users/${segment}`);
        if (known.status !== 200) {
          expectManagementError(known, { status: 404, code: 'entity.not_exists_with_id' });
          expectManagementError(list, { status: 404, code: 'entity.not_found' });
          expect((await service.client.raw('POST', '/api/users', { id: value })).status).toBe(200);
        } else expect({ status: list.status, body: list.json }).toEqual({ status: 200, body: [] });
        const user = await service.client.raw('GET', `/api/users/${segment}`);
        expect({ status: user.status, id: (user.json as { id?: unknown }).id }).toEqual({ status: 200, id: value });
        const registeredList = await service.client.raw('GET', `/api/users/${segment}/personal-access-tokens`);
        expect({ status: registeredList.status, body: registeredList.json }).toEqual({ status: 200, body: [] });
      } else {
        expectManagementError(list, { status: 400, code: 'guard.invalid_input' });
        expectManagementError(await service.client.raw('GET', `/api/users/${segment}`), {
          status: 400,
          code: 'guard.invalid_input',
        });
      }

      const pat = await service.client.raw('DELETE', `${patsPath(PATHS_USER)}/${segment}`);
      if (value !== undefined && isValidName(value))
        expectManagementError(pat, { status: 404, code: 'entity.not_found' });
      else expectManagementError(pat, { status: 400, code: 'guard.invalid_input' });

      const app = await service.client.raw('GET', `/api/applications/${segment}`);
      if (isValidId(value)) expectManagementError(app, { status: 404, code: 'entity.not_exists' });
      else expectManagementError(app, { status: 400, code: 'guard.invalid_input' });
    }),
    100,
  );
}, 60_000);

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

// ---------------------------------------------------------------------------------------------------------
// Users: bodies of POST /api/users, PATCH /api/users/{id} and PATCH /api/users/{id}/is-suspended

/** The documented rules (Logto's patterns): what each profile field accepts. */
const userFieldRules = {
  id: (value: unknown) => typeof value === 'string' && isValidUserId(value),
  username: (value: unknown) => typeof value === 'string' && /^[A-Z_a-z]\w*$/.test(value) && value.length <= 128,
  primaryEmail: (value: unknown) => typeof value === 'string' && /^\S+@\S+\.\S+$/.test(value) && value.length <= 254,
  primaryPhone: (value: unknown) => typeof value === 'string' && /^\d+$/.test(value) && value.length <= 32,
  // Names people read (as PAT names): stored in NFC; no bidi controls, zero-width characters or blank names.
  name: (value: unknown) =>
    typeof value === 'string' &&
    value.isWellFormed() &&
    value.normalize('NFC').length <= 128 &&
    !/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF]/u.test(value) &&
    !/^\p{White_Space}*$/u.test(value),
  avatar: (value: unknown) =>
    typeof value === 'string' && value.length <= 2048 && (value === '' || URL.canParse(value)),
  customData: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
};
type UserField = keyof typeof userFieldRules;
const profileFields = ['username', 'primaryEmail', 'primaryPhone', 'name', 'avatar'] as const;
const identifierKinds = { username: 'username', primaryEmail: 'email', primaryPhone: 'phone' } as const;
const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** POST: every field optional; identifiers can't be null or '' (nothing to clear yet); avatar may be null. */
function isValidCreateBody(body: unknown): boolean {
  if (!isPlainObject(body)) return false;
  return Object.entries(body).every(([key, value]) => {
    if (!Object.hasOwn(userFieldRules, key)) return false;
    if (key === 'avatar' && value === null) return true;
    return userFieldRules[key as UserField](value);
  });
}

/** PATCH: no id; `null` or `''` clears a profile field. */
function isValidUpdateBody(body: unknown): boolean {
  if (!isPlainObject(body)) return false;
  return Object.entries(body).every(([key, value]) => {
    if (key === 'customData') return userFieldRules.customData(value);
    if (!(profileFields as readonly string[]).includes(key)) return false;
    return value === null || value === '' || userFieldRules[key as UserField](value);
  });
}

/**
 * JSON values the service can store as they are: numbers within DynamoDB's range and below 2^53 (the SDK
 * refuses larger integers), shallow, non-empty keys. The rest is the next test's.
 */
const storableJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.double({ min: -(2 ** 52), max: 2 ** 52, noNaN: true }).filter((n) => n === 0 || Math.abs(n) > 1e-100),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({
    unit: fc.oneof(fc.constantFrom('a', '_', '1', '@', '.', ' '), control, exotic, loneSurrogate),
    maxLength: 8,
  }),
  urlSignificant,
  // Around every length limit (32, 128, 254, 2048) and far beyond.
  fc
    .tuple(
      fc.constantFrom(31, 32, 33, 127, 128, 129, 253, 254, 255, 2047, 2048, 2049, 20_000),
      fc.constantFrom('a', '1', 'é', '𝄞'),
    )
    .map(([length, char]) => char.repeat(length)),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const plausible = {
  id: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9._@|:+=-]{1,12}$/).map((id) => `hu-${id}`),
    fc.integer({ min: 125, max: 126 }).map((length) => `hu-${'x'.repeat(length)}`),
  ),
  // Small pools of identifiers too, so that runs collide on them (case-insensitively).
  username: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('Alice', 'alice', 'ALICE', '_bob') },
    fc.stringMatching(/^[A-Za-z_]\w{0,10}$/),
    fc.integer({ min: 127, max: 129 }).map((length) => `u${'x'.repeat(length - 1)}`),
  ),
  primaryEmail: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('alice@example.com', 'Alice@Example.com', 'bob@example.org') },
    fc.emailAddress(),
    fc.constantFrom('ü@例え.jp', 'a@b.c', 'a @b.c', 'a@b', '@b.c', 'a@.c'),
    fc.integer({ min: 253, max: 255 }).map((length) => `a@${'b'.repeat(length - 6)}.com`),
  ),
  primaryPhone: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('4912345', '4954321') },
    fc.stringMatching(/^\d{1,12}$/),
    fc.constantFrom('+4912345', '12 34', '١٢٣'),
    fc.integer({ min: 31, max: 33 }).map((length) => '5'.repeat(length)),
  ),
  name: hostileText,
  avatar: fc.oneof(
    fc.webUrl(),
    fc.constantFrom('', 'not a url', 'javascript:alert(1)', '//no-scheme.example'),
    fc.integer({ min: 2047, max: 2049 }).map((length) => `https://a.example/${'p'.repeat(length - 18)}`),
  ),
  customData: fc.oneof(
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), storableJson, { maxKeys: 4 }),
    // Only the body size limit stands in the way of this one.
    fc.constant({ blob: 'x'.repeat(MAX_MANAGEMENT_BODY_BYTES) }),
  ),
} satisfies Record<UserField, fc.Arbitrary<unknown>>;

/** Identifiers twice as often: they are where writes can collide. */
const fieldEntry = fc
  .constantFrom<UserField>(...(Object.keys(plausible) as UserField[]), 'username', 'primaryEmail', 'primaryPhone')
  .chain((key) =>
    fc.tuple(
      fc.constant(key as string),
      fc.oneof({ weight: 6, arbitrary: plausible[key] as fc.Arbitrary<unknown> }, hostileText, wrongType),
    ),
  );
const unknownEntry = fc.tuple(
  fc.constantFrom(
    'password',
    'isSuspended',
    'patEpoch',
    'createdAt',
    'identities',
    'Username',
    'ID',
    '',
    '__proto__',
    'constructor',
  ),
  fc.jsonValue({ maxDepth: 1 }),
);
/** JSON texts built entry by entry, so `__proto__` and repeated keys reach the server as sent. */
const userBodies = fc
  .oneof(
    { weight: 6, arbitrary: fc.array(fieldEntry, { maxLength: 4 }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.array(fieldEntry, { maxLength: 3 }), unknownEntry)
        .map(([entries, extra]) => [...entries, extra]),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '"x"', '{"name":"a"}x').map((text) => ({ text })) },
  )
  .map((value) => {
    if (
      Array.isArray(value) &&
      value.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string')
    ) {
      const entries = value as [string, unknown][];
      return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${JSON.stringify(field)}`).join(',')}}`;
    }
    if (isPlainObject(value) && Object.keys(value).join() === 'text' && typeof value.text === 'string')
      return value.text;
    return JSON.stringify(value);
  });

/** What the body means to a JSON parser (undefined: not JSON; an empty body is `{}`). */
function parsedBody(text: string): { parsed: unknown } | undefined {
  if (text === '') return { parsed: {} };
  try {
    return { parsed: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Unique identifiers this test has seen taken, lower-cased as the service compares them, with their owner. */
const takenIdentifiers = new Map<string, string>();
const identifierKey = (field: keyof typeof identifierKinds, value: string) =>
  `${identifierKinds[field]}:${value.toLowerCase()}`;

/** Logto's user view, as the documented fields say it should be after the write. */
function expectUserView(actual: unknown, expected: Record<string, unknown>): void {
  expect(actual).toEqual({
    identities: {},
    lastSignInAt: null,
    createdAt: expect.any(Number),
    updatedAt: expect.any(Number),
    profile: {},
    applicationId: null,
    hasPassword: false,
    ...expected,
  });
}

it('answers hostile bodies on the user routes with a {code, message} 4xx or the exact write, never a 5xx', async () => {
  const outcomes = new Map<string, number>();
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  const totalUsers = async () => (await service.client.users.list({ pageSize: 1 })).total;
  let runIndex = 0;

  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('create', 'update', 'suspend'),
      userBodies,
      fc.oneof(
        userBodies,
        fc.boolean().map((isSuspended) => JSON.stringify({ isSuspended })),
        fc.jsonValue({ maxDepth: 1 }).map((isSuspended) => JSON.stringify({ isSuspended })),
      ),
      async (route, text, suspendText) => {
        const target = `hu-target-${runIndex++}`;
        const body = parsedBody(text)?.parsed;
        if (route === 'create') {
          const before = await totalUsers();
          const response = await service.client.raw('POST', '/api/users', text);
          if (Buffer.byteLength(text) > MAX_MANAGEMENT_BODY_BYTES || !isValidCreateBody(body)) {
            count('create refused');
            expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
            expect(await totalUsers()).toBe(before);
            return;
          }
          const fields = body as Record<string, unknown>;
          const taken = (Object.keys(identifierKinds) as (keyof typeof identifierKinds)[]).filter(
            (field) => typeof fields[field] === 'string' && takenIdentifiers.has(identifierKey(field, fields[field])),
          );
          const idTaken = typeof fields.id === 'string' && takenIdentifiers.has(`id:${fields.id}`);
          if (idTaken || taken.length > 0) {
            count('create conflict');
            expectManagementError(response, { status: 422 });
            const code = (response.json as { code: string }).code;
            if (idTaken) expect(code).toBe('entity.unique_integrity_violation');
            else expect(taken.map((field) => `user.${identifierKinds[field]}_already_in_use`)).toContain(code);
            expect(await totalUsers()).toBe(before);
            return;
          }
          count('created');
          expect(response.status).toBe(200);
          const created = response.json as { id: string };
          expectUserView(created, {
            id: fields.id ?? expect.stringMatching(/^[a-z0-9]{12}$/),
            username: fields.username ?? null,
            primaryEmail: fields.primaryEmail ?? null,
            primaryPhone: fields.primaryPhone ?? null,
            name: typeof fields.name === 'string' ? fields.name.normalize('NFC') : null,
            avatar: fields.avatar === '' ? null : (fields.avatar ?? null),
            customData: fields.customData ?? {},
            isSuspended: false,
          });
          expect((await service.client.raw('GET', `/api/users/${encodeURIComponent(created.id)}`)).json).toEqual(
            created,
          );
          expect(await totalUsers()).toBe(before + 1);
          takenIdentifiers.set(`id:${created.id}`, created.id);
          for (const field of Object.keys(identifierKinds) as (keyof typeof identifierKinds)[]) {
            if (typeof fields[field] === 'string')
              takenIdentifiers.set(identifierKey(field, fields[field]), created.id);
          }
          return;
        }

        const original = await service.client.users.create({ id: target });
        takenIdentifiers.set(`id:${target}`, target);
        if (route === 'suspend') {
          const sent = parsedBody(suspendText)?.parsed;
          const response = await service.client.raw('PATCH', `/api/users/${target}/is-suspended`, suspendText);
          const valid =
            isPlainObject(sent) && Object.keys(sent).join() === 'isSuspended' && typeof sent.isSuspended === 'boolean';
          if (!valid) {
            count('suspend refused');
            expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
            expect((await service.client.users.get(target)).isSuspended).toBe(false);
            return;
          }
          count('suspended');
          expect(response.status).toBe(200);
          expectUserView(response.json, { ...original, updatedAt: expect.any(Number), isSuspended: sent.isSuspended });
          return;
        }

        const response = await service.client.raw('PATCH', `/api/users/${target}`, text);
        if (Buffer.byteLength(text) > MAX_MANAGEMENT_BODY_BYTES || !isValidUpdateBody(body)) {
          count('update refused');
          expectManagementError(response, { status: 400, code: 'guard.invalid_input' });
          expect(await service.client.users.get(target)).toEqual(original);
          return;
        }
        const changes = body as Record<string, unknown>;
        const taken = (Object.keys(identifierKinds) as (keyof typeof identifierKinds)[]).filter((field) => {
          const value = changes[field];
          const owner =
            typeof value === 'string' && value !== '' ? takenIdentifiers.get(identifierKey(field, value)) : undefined;
          return owner !== undefined && owner !== target;
        });
        if (taken.length > 0) {
          count('update conflict');
          expectManagementError(response, { status: 422 });
          expect(taken.map((field) => `user.${identifierKinds[field]}_already_in_use`)).toContain(
            (response.json as { code: string }).code,
          );
          expect(await service.client.users.get(target)).toEqual(original);
          return;
        }
        count('updated');
        expect(response.status).toBe(200);
        const expected: Record<string, unknown> = { ...original, updatedAt: expect.any(Number) };
        for (const field of profileFields) {
          if (field in changes) {
            const value = changes[field];
            expected[field] =
              value === '' ? null : field === 'name' && typeof value === 'string' ? value.normalize('NFC') : value;
          }
        }
        if ('customData' in changes) expected.customData = changes.customData;
        expectUserView(response.json, expected);
        expect(await service.client.users.get(target)).toEqual(response.json);
        for (const field of Object.keys(identifierKinds) as (keyof typeof identifierKinds)[]) {
          if (typeof changes[field] === 'string' && changes[field] !== '') {
            takenIdentifiers.set(identifierKey(field, changes[field]), target);
          }
        }
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
  // Both sides of every route were exercised: refusals and exact writes.
  const outcomeKinds = ['create refused', 'created', 'create conflict', 'update refused', 'updated', 'update conflict'];
  for (const outcome of [...outcomeKinds, 'suspend refused', 'suspended']) {
    expect({ outcome, seen: (outcomes.get(outcome) ?? 0) >= 3 }).toEqual({ outcome, seen: true });
  }
}, 120_000);

it('gives every user a fresh id and refuses a taken id, username or email with 422, writing nothing', async () => {
  const [first, second] = [await service.client.users.create(), await service.client.users.create()];
  expect(first.id).toMatch(/^[a-z0-9]{12}$/);
  expect(second.id).toMatch(/^[a-z0-9]{12}$/);
  expect(second.id).not.toBe(first.id);

  const tag = first.id;
  const owner = await service.client.users.create({
    id: `hu-owner-${tag}`,
    username: `Owner_${tag}`,
    primaryEmail: `owner.${tag}@example.com`,
  });
  const before = (await service.client.users.list({ pageSize: 1 })).total;
  const refusals: [unknown, string][] = [
    [{ id: owner.id }, 'entity.unique_integrity_violation'],
    // Compared case-insensitively, as in Logto.
    [{ id: `hu-other-${tag}`, username: `owner_${tag.toUpperCase()}` }, 'user.username_already_in_use'],
    [{ id: `hu-other-${tag}`, primaryEmail: `OWNER.${tag}@EXAMPLE.COM` }, 'user.email_already_in_use'],
    [{ username: `Owner_${tag}` }, 'user.username_already_in_use'],
  ];
  for (const [body, code] of refusals) {
    expectManagementError(await service.client.raw('POST', '/api/users', body), { status: 422, code });
  }
  expectManagementError(await service.client.raw('GET', `/api/users/hu-other-${tag}`), {
    status: 404,
    code: 'entity.not_exists_with_id',
  });
  expect((await service.client.users.list({ pageSize: 1 })).total).toBe(before);

  // Taking them by PATCH is refused the same way, and leaves the user as it was.
  for (const [change, code] of [
    [{ username: `OWNER_${tag}` }, 'user.username_already_in_use'],
    [{ primaryEmail: `Owner.${tag}@example.com` }, 'user.email_already_in_use'],
  ] as const) {
    expectManagementError(await service.client.raw('PATCH', `/api/users/${second.id}`, change), { status: 422, code });
  }
  expect(await service.client.users.get(second.id)).toEqual(second);
  expect(await service.client.users.get(owner.id)).toEqual(owner);

  // Released when their owner lets go of them.
  await service.client.users.update(owner.id, { username: null });
  expect((await service.client.users.update(second.id, { username: `owner_${tag}` })).username).toBe(`owner_${tag}`);
  await service.client.users.delete(owner.id);
  const reused = await service.client.users.create({ id: owner.id, primaryEmail: `owner.${tag}@example.com` });
  expect(reused).toMatchObject({ id: owner.id, username: null, primaryEmail: `owner.${tag}@example.com` });
});

it('stores customData exactly or refuses it with a 400, whatever JSON it holds, never a 5xx', async () => {
  let deep: unknown = 'bottom';
  for (let level = 0; level < 40; level++) deep = { level: deep };
  // JSON that DynamoDB can't hold as a map: numbers beyond its range or precision, > 32 levels, empty keys.
  const texts = [
    '{"n":9007199254740993}',
    '{"n":1e20}',
    '{"n":1e308}',
    '{"n":-1.7976931348623157e308}',
    '{"n":1e-200}',
    `{"deep":${JSON.stringify(deep)}}`,
    '{"":"empty key"}',
    '{"nested":{"":1}}',
    '{"__proto__":{"polluted":true}}',
  ];
  const failures: string[] = [];
  for (const [index, customData] of texts.entries()) {
    const id = `hu-data-${index}`;
    const response = await service.client.raw('POST', '/api/users', `{"id":"${id}","customData":${customData}}`);
    const stored = await service.client.raw('GET', `/api/users/${id}`);
    const exact =
      response.status === 200 &&
      isDeepStrictEqual((response.json as { customData: unknown }).customData, JSON.parse(customData)) &&
      isDeepStrictEqual((stored.json as { customData?: unknown }).customData, JSON.parse(customData));
    const refused =
      response.status === 400 &&
      (response.json as { code?: unknown }).code === 'guard.invalid_input' &&
      stored.status === 404;
    if (!exact && !refused)
      failures.push(`${customData.slice(0, 40)} -> ${response.status} ${response.text.slice(0, 120)}`);
  }
  expect(failures).toEqual([]);
});

it("answers each PAT route of an unregistered user with Logto's 404 for that route, and writes nothing", async () => {
  const userId = service.newUserId();
  const path = patsPath(userId);
  const answers: [string, string, unknown, string][] = [
    ['POST', path, { name: 'n' }, 'entity.relation_foreign_key_not_found'],
    ['GET', path, undefined, 'entity.not_found'],
    ['PATCH', path, { currentName: 'n', name: 'm' }, 'entity.not_found'],
    ['PATCH', path, { name: 'n' }, 'entity.not_found'],
    ['PATCH', `${path}/n`, { name: 'm' }, 'entity.not_found'],
    ['POST', `${path}/delete`, { name: 'n' }, 'entity.not_found'],
    ['DELETE', `${path}/n`, undefined, 'entity.not_found'],
    ['DELETE', path, undefined, 'entity.not_found'],
    ['PATCH', `/api/users/${userId}/is-suspended`, { isSuspended: true }, 'entity.not_exists_with_id'],
    ['PATCH', `/api/users/${userId}`, { name: 'x' }, 'entity.not_exists_with_id'],
    ['DELETE', `/api/users/${userId}`, undefined, 'entity.not_exists_with_id'],
  ];
  for (const [method, target, body, code] of answers) {
    const response = await service.client.raw(method, target, body);
    expectManagementError(response, { status: 404, code });
  }
  // Nothing was written: registering the id now gives a user with no PATs and no suspension.
  const user = await service.client.users.create({ id: userId });
  expect(user).toMatchObject({ id: userId, isSuspended: false, name: null });
  expect(await service.client.pats.list(userId)).toEqual([]);

  // Registered: a missing PAT is `entity.not_found` to delete and `entity.not_exists` to rename; a rename
  // without currentName renames the PAT to itself (Logto), answering it if it exists.
  for (const [method, target, body, code] of [
    ['POST', `${path}/delete`, { name: 'n' }, 'entity.not_found'],
    ['DELETE', `${path}/n`, undefined, 'entity.not_found'],
    ['PATCH', path, { currentName: 'n', name: 'm' }, 'entity.not_exists'],
    ['PATCH', path, { name: 'n' }, 'entity.not_exists'],
    ['PATCH', `${path}/n`, { name: 'm' }, 'entity.not_exists'],
  ] as const) {
    expectManagementError(await service.client.raw(method, target, body), { status: 404, code });
  }
  await service.client.pats.create(userId, { name: 'n' });
  const same = await service.client.raw('PATCH', path, { name: 'n' });
  expect({ status: same.status, name: (same.json as { name?: unknown }).name }).toEqual({ status: 200, name: 'n' });
  expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['n']);
});

// ---------------------------------------------------------------------------------------------------------
// Logto's PUT "replace" routes of the assignment sets

it(
  'answers hostile bodies on the replace routes with a {code, message} 4xx writing nothing, or the exact set',
  async () => {
    const client = service.client;
    const tag = `hr${Date.now().toString(36)}`;
    const organization = await client.organizations.create({ name: `Replace ${tag}` });
    const people = await Promise.all([1, 2, 3].map((i) => client.users.create({ id: `${tag}-user-${i}` })));
    const peopleIds = people.map((user) => user.id);
    const member = peopleIds[0]!;
    await client.organizations.addMembers(organization.id, [member]);
    const orgScopes = await Promise.all(
      [1, 2, 3].map((i) => client.organizations.scopes.create({ name: `${tag}:${i}` })),
    );
    const orgRoles = await Promise.all([1, 2].map((i) => client.organizations.roles.create({ name: `${tag} ${i}` })));
    const orgRole = orgRoles[0]!;
    const roles = await Promise.all([1, 2].map((i) => client.roles.create({ name: `${tag}-${i}`, description: 'r' })));
    const machine = await client.roles.create({ name: `${tag}-m2m`, description: 'm', type: 'MachineToMachine' });
    const roleOwner = await client.users.create({ id: `${tag}-owner` });

    const known = {
      roleIds: roles.map((role) => role.id),
      userIds: peopleIds,
      organizationRoleIds: orgRoles.map((role) => role.id),
      organizationScopeIds: orgScopes.map((scope) => scope.id),
    };
    const sorted = (ids: string[]) => [...ids].sort();
    const routes = {
      userRoles: {
        path: `/api/users/${roleOwner.id}/roles`,
        key: 'roleIds',
        state: async () => sorted((await client.roles.ofUser(roleOwner.id)).map((role) => role.id)),
        status: 200,
        unknown: { status: 404, code: 'entity.not_exists_with_id' },
        element: (value: string) => isValidId(value),
        nonEmpty: false,
        unique: false,
      },
      members: {
        path: `/api/organizations/${organization.id}/users`,
        key: 'userIds',
        state: async () => sorted((await client.organizations.members(organization.id)).map((each) => each.id)),
        status: 204,
        unknown: { status: 422, code: 'entity.relation_foreign_key_not_found' },
        element: (value: string) => isValidUserId(value) && value !== '.' && value !== '..',
        nonEmpty: false,
        unique: false,
      },
      memberRoles: {
        path: `/api/organizations/${organization.id}/users/${member}/roles`,
        key: 'organizationRoleIds',
        state: async () =>
          sorted((await client.organizations.memberRoles(organization.id, member)).map((role) => role.id)),
        status: 204,
        unknown: { status: 422, code: 'entity.relation_foreign_key_not_found' },
        element: (value: string) => isValidId(value),
        nonEmpty: false,
        unique: false,
      },
      roleScopes: {
        path: `/api/organization-roles/${orgRole.id}/scopes`,
        key: 'organizationScopeIds',
        state: async () => sorted((await client.organizations.roles.scopes(orgRole.id)).map((scope) => scope.id)),
        status: 204,
        unknown: { status: 422, code: 'entity.relation_foreign_key_not_found' },
        element: (value: string) => isValidId(value),
        nonEmpty: true,
        unique: true,
      },
    } as const;
    type RouteName = keyof typeof routes;
    const knownOf = (name: RouteName) => known[routes[name].key] as string[];

    const element = (name: RouteName) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...knownOf(name)) },
        { weight: 1, arbitrary: fc.constantFrom(machine.id, 'unknown-id', 'nobody', knownOf(name)[0]!) },
        { weight: 1, arbitrary: fc.constantFrom('', '.', '..', 'bad id', 'x'.repeat(65), '%2F', 'a/b', '\u0000') },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
      );
    const body = (name: RouteName) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.array(element(name), { maxLength: 5 }).map((ids) => ({ [routes[name].key]: ids })) },
        {
          weight: 1,
          arbitrary: fc.array(element(name), { maxLength: 5 }).map((ids) => ({ [routes[name].key]: ids, extra: true })),
        },
        {
          weight: 1,
          arbitrary: fc.constant({ [routes[name].key]: Array.from({ length: 101 }, () => knownOf(name)[0]) }),
        },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => ({ [routes[name].key]: value })) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      );

    /** What the documented rules say: 400, the "unknown" refusal, 422 for a MachineToMachine role, or the set. */
    function expected(name: RouteName, sent: unknown): { status: number; code?: string; set?: string[] } {
      const route = routes[name];
      const invalid = { status: 400, code: 'guard.invalid_input' };
      if (!isPlainObject(sent) || Object.keys(sent).join() !== route.key) return invalid;
      const ids = sent[route.key];
      if (!Array.isArray(ids) || ids.length > 100 || (route.nonEmpty && ids.length === 0)) return invalid;
      if (!ids.every((id) => typeof id === 'string' && route.element(id))) return invalid;
      if (route.unique && new Set(ids).size !== ids.length) return invalid;
      const set = [...new Set(ids as string[])];
      const isMachine = (id: string) => id === machine.id;
      if (set.some((id) => !knownOf(name).includes(id) && !(name === 'userRoles' && isMachine(id)))) {
        return route.unknown;
      }
      if (name === 'userRoles' && set.some(isMachine)) return { status: 422, code: 'user.invalid_role_type' };
      return { status: route.status, set: sorted(set) };
    }

    const outcomes = new Map<string, number>();
    await run(
      fc.asyncProperty(
        fc
          .constantFrom(...(Object.keys(routes) as RouteName[]))
          .chain((name) => fc.tuple(fc.constant(name), body(name))),
        async ([name, sent]) => {
          const route = routes[name];
          const before = await route.state();
          const response = await client.raw('PUT', route.path, JSON.stringify(sent));
          tally.record('replace route body', response);
          const want = expected(name, sent);
          outcomes.set(`${name} ${response.status}`, (outcomes.get(`${name} ${response.status}`) ?? 0) + 1);
          if (want.set === undefined) {
            expectManagementError(response, want);
            expect(await route.state()).toEqual(before);
            return;
          }
          expect({ name, sent, status: response.status }).toEqual({ name, sent, status: want.status });
          expect(response.text).toBe('');
          // The member the member-roles route needs stays one: a replacement of the members that drops it is undone.
          const after = await route.state();
          expect(after).toEqual(want.set);
          if (name === 'members' && !after.includes(member))
            await client.organizations.addMembers(organization.id, [member]);
        },
      ),
      300,
    );
    // Each route saw both kinds of answer.
    for (const name of Object.keys(routes)) {
      const seen = [...outcomes].filter(([key]) => key.startsWith(`${name} `));
      expect({
        name,
        accepted: seen.some(([key]) => / 20\d$/.test(key)),
        refused: seen.some(([key]) => / 4\d\d$/.test(key)),
      }).toEqual({
        name,
        accepted: true,
        refused: true,
      });
    }
  },
  hostileTimeout(120_000),
);
