/**
 * The Management API under hostile input: every bad request gets a `{code, message}` 4xx and writes
 * nothing, every valid one round-trips exactly (names byte-identical through body and path forms).
 * Validity is decided here from the documented rules, not by asking the service's own schemas.
 */
import fc from 'fast-check';
import { startTestService, type TestService } from './harness/service';
import { expectManagementError } from './support/protocol-errors';
import { sendSigned, signRequest } from './support/signed-raw';

const SEED = 6_2025;
/** The latest accepted expiry: the end of year 9999, in epoch milliseconds. */
const MAX_EPOCH_MS = 253402300799999;

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const run = <T>(property: fc.IAsyncProperty<T>, numRuns: number) => fc.assert(property, { seed: SEED, numRuns });
const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;
/** `.` and `..` would be removed from the URL as dot segments by any HTTP client, so dots are escaped too. */
const pathSegment = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');

// ---------------------------------------------------------------------------------------------------------
// PAT names

/** The documented rule: 1 to 256 code points, no control characters, well-formed Unicode. */
const isValidName = (name: string) => {
  const length = [...name].length;
  return length >= 1 && length <= 256 && !/\p{Cc}/u.test(name) && name.isWellFormed();
};

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const urlSignificant = fc.constantFrom('/', '%', '%2F', '%25', '%zz', '?', '#', '&', '=', '+', ' ', '..', '.', '\\');
const control = fc.constantFrom('\0', '\x07', '\t', '\n', '\r', '\x1f', '\x7f', '\x85', '\x9f');
const exotic = fc.constantFrom('é', 'e\u0301', '\u200d', '\u2028', '\ufeff', '𝄞', '👩‍👩‍👧', '\uffff', 'ﷺ', '\u{10fffd}');

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

it('creates, finds, renames and deletes PATs of any valid name byte-identically; rejects the rest', async () => {
  let valid = 0;
  await run(
    fc.asyncProperty(names, async (name) => {
      const userId = (await service.newUser());
      const created = await service.client.raw('POST', patsPath(userId), { name });
      if (!isValidName(name)) {
        expectManagementError(created, { status: 400, code: 'guard.invalid_input' });
        // An empty segment matches no route at all (API Gateway's own 403), so only non-empty names here.
        if (name !== '' && name.isWellFormed()) {
          const byPath = await service.client.raw('DELETE', `${patsPath(userId)}/${pathSegment(name)}`);
          expectManagementError(byPath, { status: 400, code: 'guard.invalid_input' });
        }
        expect((await service.client.raw('GET', patsPath(userId))).json).toEqual([]);
        return;
      }
      valid++;
      expect(created.status).toBe(201);
      expect((created.json as { name: string }).name).toBe(name);
      expect(
        ((await service.client.raw('GET', patsPath(userId))).json as { name: string }[]).map((pat) => pat.name),
      ).toEqual([name]);

      const renamed = await service.client.raw('PATCH', `${patsPath(userId)}/${pathSegment(name)}`, {
        name: `${name}`,
      });
      expect(renamed.status).toBe(200);
      expect((renamed.json as { name: string }).name).toBe(name);
      expect((await service.client.raw('DELETE', `${patsPath(userId)}/${pathSegment(name)}`)).status).toBe(204);
      expect((await service.client.raw('GET', patsPath(userId))).json).toEqual([]);
    }),
    100,
  );
  expect(valid).toBeGreaterThan(30);
}, 60_000);

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

it('accepts expiresAt only as null or a future integer up to year 9999, and stores it exactly', async () => {
  const cases = fc.oneof(
    expiresAtValues.map((value) => ({ text: JSON.stringify({ name: 'x', expiresAt: value }) })),
    expiresAtTexts.map((text) => ({ text: `{"name":"x","expiresAt":${text}}` })),
  );
  await run(
    fc.asyncProperty(cases, async ({ text }) => {
      const userId = (await service.newUser());
      const sent = (JSON.parse(text) as { expiresAt?: unknown }).expiresAt;
      const response = await service.client.raw('POST', patsPath(userId), text);
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
    120,
  );
}, 60_000);

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

it('answers any body on any write route with a {code, message} 4xx or a success, never a 5xx', async () => {
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
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 300) expectManagementError(response);
    }),
    250,
  );
  // Most of these must be refused; the few that are valid (e.g. {"isSuspended":true}) may succeed.
  const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, count]) => sum + count, 0);
  expect(refused).toBeGreaterThan(200);
}, 60_000);

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
        expect(list.status).toBe(200);
        expect(list.json).toEqual([]);
      } else expectManagementError(list, { status: 400, code: 'guard.invalid_input' });

      const pat = await service.client.raw('DELETE', `${patsPath('user-paths')}/${segment}`);
      if (value !== undefined && isValidName(value))
        expectManagementError(pat, { status: 404, code: 'entity.not_exists' });
      else expectManagementError(pat, { status: 400, code: 'guard.invalid_input' });

      const app = await service.client.raw('GET', `/api/applications/${segment}`);
      if (isValidId(value)) expectManagementError(app, { status: 404, code: 'entity.not_exists' });
      else expectManagementError(app, { status: 400, code: 'guard.invalid_input' });
    }),
    100,
  );
}, 60_000);
