/**
 * Concurrency: many requests on the same names at once. Each answer must be one the API documents for
 * that operation, and afterwards the table must hold every invariant of the PAT items and their hash
 * lookups (see test/support/table-invariants.ts), with the suspended flag copied consistently.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { startTestService, type TestService } from './harness/service';
import { expectOAuthClientError, headerOf, type AnyResponse } from './support/protocol-errors';
import { patInvariantViolations, scanTable, type TableSnapshot } from './support/table-invariants';

const engineUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;
const table = () => scanTable(engineUrl, service.config.tableName);
const exchange = (pat: string) => {
  const { clientId, clientSecret } = service.config.demoApplication;
  return service.client.exchange({ pat, clientId, clientSecret });
};

/** Each suspended flag on a hash lookup equals its user's state. */
function suspensionViolations({ hashes, users }: TableSnapshot): string[] {
  const suspended = new Map(users.map((user) => [String(user.userId), Boolean(user.isSuspended)]));
  return hashes
    .filter((lookup) => Boolean(lookup.suspended) !== (suspended.get(String(lookup.userId)) ?? false))
    .map((lookup) => `${String(lookup.pk)} says suspended=${String(lookup.suspended)} for ${String(lookup.userId)}`);
}

it('lets exactly one of 50 concurrent creates of one name win, leaving one item pair', async () => {
  const userId = (await service.newUser());
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => service.client.raw('POST', patsPath(userId), { name: 'contended' })),
  );
  const statuses = responses.map((response) => response.status).sort();
  expect(statuses).toEqual([201, ...Array<number>(49).fill(422)]);
  for (const response of responses.filter((candidate) => candidate.status === 422)) {
    expect(response.json).toMatchObject({ code: 'user.personal_access_token_name_exists' });
  }

  const snapshot = await table();
  expect(snapshot.pats.filter((item) => item.userId === userId)).toHaveLength(1);
  expect(snapshot.hashes.filter((item) => item.userId === userId)).toHaveLength(1);
  expect(patInvariantViolations(snapshot)).toEqual([]);
  const winner = responses.find((response) => response.status === 201)!;
  expect((await exchange((winner.json as { value: string }).value)).status).toBe(200);
});

type Op =
  | { kind: 'create'; user: number; name: string }
  | { kind: 'rename'; user: number; from: string; to: string; byPath: boolean }
  | { kind: 'delete'; user: number; name: string; byPath: boolean }
  | { kind: 'revokeAll'; user: number }
  | { kind: 'suspend'; user: number; isSuspended: boolean }
  | { kind: 'exchange'; index: number };

const NAMES = ['a', 'b', 'c', 'd/e', 'é %'];

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('create' as const), user: fc.nat(1), name: fc.constantFrom(...NAMES) }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('rename' as const),
        user: fc.nat(1),
        from: fc.constantFrom(...NAMES),
        to: fc.constantFrom(...NAMES),
        byPath: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('delete' as const),
        user: fc.nat(1),
        name: fc.constantFrom(...NAMES),
        byPath: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('revokeAll' as const), user: fc.nat(1) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('suspend' as const), user: fc.nat(1), isSuspended: fc.boolean() }),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('exchange' as const), index: fc.nat() }) },
  ),
  { minLength: 240, maxLength: 240 },
);

/** The answers the API documents for each operation; 503 + Retry-After is the documented answer to contention. */
const allowed: Record<Op['kind'], number[]> = {
  create: [201, 422],
  rename: [200, 404, 422],
  delete: [204, 404],
  revokeAll: [204],
  suspend: [200],
  exchange: [200, 400],
};

it('keeps PAT items, hash lookups and suspended flags consistent through a storm of concurrent writes', async () => {
  const users = [(await service.newUser()), (await service.newUser())];
  const [storm] = fc.sample(ops, { seed: 6_2028, numRuns: 1 });
  const values: { value: string; userId: string }[] = [];
  const unexpected: string[] = [];
  let contention = 0;

  const perform = async (op: Op): Promise<AnyResponse | undefined> => {
    const client = service.client;
    switch (op.kind) {
      case 'create': {
        const response = await client.raw('POST', patsPath(users[op.user]!), { name: op.name });
        if (response.status === 201)
          values.push({ value: (response.json as { value: string }).value, userId: users[op.user]! });
        return response;
      }
      case 'rename':
        return op.byPath
          ? client.raw('PATCH', `${patsPath(users[op.user]!)}/${encodeURIComponent(op.from)}`, { name: op.to })
          : client.raw('PATCH', patsPath(users[op.user]!), { currentName: op.from, name: op.to });
      case 'delete':
        return op.byPath
          ? client.raw('DELETE', `${patsPath(users[op.user]!)}/${encodeURIComponent(op.name)}`)
          : client.raw('POST', `${patsPath(users[op.user]!)}/delete`, { name: op.name });
      case 'revokeAll':
        return client.raw('DELETE', patsPath(users[op.user]!));
      case 'suspend':
        return client.raw('PATCH', `/api/users/${users[op.user]}/is-suspended`, { isSuspended: op.isSuspended });
      case 'exchange':
        return values.length === 0 ? undefined : exchange(values[op.index % values.length]!.value);
    }
  };

  // Waves of 30 concurrent requests, so that every wave races on the same few names.
  for (let start = 0; start < storm!.length; start += 30) {
    const wave = storm!.slice(start, start + 30);
    const responses = await Promise.all(wave.map(perform));
    wave.forEach((op, index) => {
      const response = responses[index];
      if (!response) return;
      if (response.status === 503 && Number(headerOf(response, 'retry-after')) > 0) contention++;
      else if (!allowed[op.kind].includes(response.status)) {
        unexpected.push(`${JSON.stringify(op)} -> ${response.status} ${response.text.slice(0, 200)}`);
      }
    });
  }
  expect(unexpected).toEqual([]);
  // Contention may be answered with 503 + Retry-After, but it must stay the exception.
  expect(contention).toBeLessThan(storm!.length / 20);

  const snapshot = await table();
  expect(patInvariantViolations(snapshot)).toEqual([]);
  expect(suspensionViolations(snapshot)).toEqual([]);

  // The API shows what the table holds, and every PAT value ever issued works exactly when it should.
  for (const userId of users) {
    const listed = (await service.client.pats.list(userId)).map((pat) => pat.name).sort();
    const stored = snapshot.pats
      .filter((item) => item.userId === userId)
      .map((item) => String(item.name))
      .sort();
    expect(listed).toEqual(stored);
  }
  const suspended = new Set(snapshot.users.filter((user) => user.isSuspended).map((user) => String(user.userId)));
  const live = new Set(snapshot.pats.map((item) => String(item.tokenHash)));
  for (const { value, userId } of values) {
    const response = await exchange(value);
    const shouldWork = live.has(createHash('sha256').update(value).digest('hex')) && !suspended.has(userId);
    if (shouldWork) {
      expect(response.status).toBe(200);
      const { payload } = await service.verify((response.json as { access_token: string }).access_token);
      expect(payload.sub).toBe(userId);
    } else expectOAuthClientError(response, { status: 400, error: 'invalid_request' });
  }
}, 60_000);

it('once a delete has returned, no exchange started later succeeds; renames never interrupt a PAT', async () => {
  const userId = (await service.newUser());
  const issued = await Promise.all(
    Array.from(
      { length: 12 },
      async (_, index) => (await service.client.pats.create(userId, { name: `p${index}` })).value,
    ),
  );

  await Promise.all(
    issued.map(async (value, index) => {
      const attempts: { startedAt: number; endedAt: number; response: AnyResponse }[] = [];
      let deleteSentAt = Number.POSITIVE_INFINITY;
      let deleteReturnedAt = Number.POSITIVE_INFINITY;
      const attempt = async () => {
        const startedAt = performance.now();
        const response = await exchange(value);
        attempts.push({ startedAt, endedAt: performance.now(), response });
      };
      const hammer = async () => {
        for (let i = 0; i < 12; i++) await attempt();
      };
      const renameThenDelete = async () => {
        await service.client.pats.rename(userId, `p${index}`, `q${index}`);
        await service.client.pats.rename(userId, `q${index}`, `p${index}`);
        deleteSentAt = performance.now();
        await service.client.pats.delete(userId, `p${index}`);
        deleteReturnedAt = performance.now();
      };
      await Promise.all([hammer(), hammer(), renameThenDelete()]);
      for (let i = 0; i < 3; i++) await attempt();

      for (const { startedAt, endedAt, response } of attempts) {
        // Renames never interrupt a PAT; the delete, once it has returned, stops it for good.
        if (endedAt < deleteSentAt) expect(response.status).toBe(200);
        else if (startedAt > deleteReturnedAt)
          expectOAuthClientError(response, { status: 400, error: 'invalid_request' });
        else expect([200, 400]).toContain(response.status);
      }
      expect(attempts.filter(({ startedAt }) => startedAt > deleteReturnedAt).length).toBeGreaterThanOrEqual(3);
    }),
  );
  expect(await service.client.pats.list(userId)).toEqual([]);
  expect(patInvariantViolations(await table())).toEqual([]);
}, 60_000);
