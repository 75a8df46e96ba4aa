/**
 * Concurrency: many requests on the same names at once. Each answer must be one the API documents for
 * that operation, and afterwards the table must hold every invariant of the PAT items and their hash
 * lookups (see test/support/table-invariants.ts). Suspension, revoke-all and user deletion are one write
 * each: from the moment they return, no exchange started later succeeds, whatever else is in flight.
 */
import fc from 'fast-check';
import { startTestService, type TestService } from './harness/service';
import {
  expectManagementError,
  expectOAuthClientError,
  expectOAuthServerError,
  headerOf,
  type AnyResponse,
} from './support/protocol-errors';
import { patInvariantViolations, patStanding, scanTable, type TableSnapshot } from './support/table-invariants';

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

const invalidSubject = { status: 400, error: 'invalid_request', description: 'The subject_token is invalid.' };

/** PAT items of the user in its current PAT epoch: what the API lists (ended epochs' items may linger). */
function currentPatNames({ pats, users }: TableSnapshot, userId: string): string[] {
  const epoch = users.find((user) => user.id === userId)?.patEpoch;
  return pats
    .filter((item) => item.userId === userId && item.patEpoch === epoch)
    .map((item) => String(item.name))
    .sort();
}

/** The maintenance run removes every PAT item of an ended epoch, and its purge marker with it. */
async function expectPurgedByMaintenance(): Promise<void> {
  await service.runMaintenance();
  const snapshot = await table();
  expect(patInvariantViolations(snapshot)).toEqual([]);
  const epochs = new Map(snapshot.users.map((user) => [String(user.id), user.patEpoch]));
  expect(snapshot.pats.filter((item) => epochs.get(String(item.userId)) !== item.patEpoch)).toEqual([]);
  expect(snapshot.purges).toEqual([]);
}

it('lets exactly one of 50 concurrent creates of one name win, leaving one item pair', async () => {
  const userId = await service.newUser();
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

/**
 * The answers the API documents for each operation, as status → code (Logto's codes for management
 * errors, RFC 6749's error at the token endpoint); 503 + Retry-After is the documented answer to contention.
 */
const allowed: Record<Op['kind'], Record<number, string | undefined>> = {
  create: { 201: undefined, 422: 'user.personal_access_token_name_exists' },
  rename: { 200: undefined, 404: 'entity.not_exists', 422: 'user.personal_access_token_name_exists' },
  delete: { 204: undefined, 404: 'entity.not_found' },
  revokeAll: { 204: undefined },
  suspend: { 200: undefined },
  exchange: { 200: undefined, 400: 'invalid_request' },
};
const answerCode = (response: AnyResponse) => {
  const body = response.json as { code?: string; error?: string } | undefined;
  return body?.error ?? body?.code;
};

it('keeps PAT items and hash lookups consistent, and every PAT working exactly when it should, through a storm', async () => {
  const users = [await service.newUser(), await service.newUser()];
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
      else if (
        !(response.status in allowed[op.kind]) ||
        allowed[op.kind][response.status] !== (response.status < 300 ? undefined : answerCode(response))
      ) {
        unexpected.push(`${JSON.stringify(op)} -> ${response.status} ${response.text.slice(0, 200)}`);
      }
    });
  }
  expect(unexpected).toEqual([]);
  // Contention may be answered with 503 + Retry-After, but it must stay the exception.
  expect(contention).toBeLessThan(storm!.length / 20);

  const snapshot = await table();
  expect(patInvariantViolations(snapshot)).toEqual([]);

  // The API shows what the table holds, and every PAT value ever issued works exactly when it should.
  for (const userId of users) {
    const listed = (await service.client.pats.list(userId)).map((pat) => pat.name).sort();
    expect(listed).toEqual(currentPatNames(snapshot, userId));
  }
  /** Exchanges every value ever issued; each must get what the table says; returns the count per standing. */
  const exchangeAll = async (at: TableSnapshot) => {
    const standings = new Map<string, number>();
    for (const { value, userId } of values) {
      const response = await exchange(value);
      const standing = patStanding(at, value);
      standings.set(standing, (standings.get(standing) ?? 0) + 1);
      if (standing === 'live') {
        expect(response.status).toBe(200);
        const { payload } = await service.verify((response.json as { access_token: string }).access_token);
        expect(payload.sub).toBe(userId);
      } else expectOAuthClientError(response, invalidSubject);
    }
    return standings;
  };
  const afterStorm = await exchangeAll(snapshot);
  // Lifting the suspensions revives exactly the suspended users' PATs; the others stay as they were.
  await Promise.all(users.map((userId) => service.client.users.setSuspended(userId, false)));
  const afterLifting = await exchangeAll(await table());
  const count = (standings: Map<string, number>, standing: string) => standings.get(standing) ?? 0;
  expect(count(afterLifting, 'owner suspended')).toBe(0);
  expect(count(afterLifting, 'live')).toBe(count(afterStorm, 'live') + count(afterStorm, 'owner suspended'));
  expect(count(afterLifting, 'live')).toBeGreaterThan(0);
  expect(count(afterLifting, 'absent')).toBeGreaterThan(0);
  await expectPurgedByMaintenance();
}, 60_000);

it('once a delete has returned, no exchange started later succeeds; renames never interrupt a PAT', async () => {
  const userId = await service.newUser();
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
        else await expectConcurrentAnswer(response);
      }
      expect(attempts.filter(({ startedAt }) => startedAt > deleteReturnedAt).length).toBeGreaterThanOrEqual(3);
    }),
  );
  expect(await service.client.pats.list(userId)).toEqual([]);
  expect(patInvariantViolations(await table())).toEqual([]);
}, 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets some traffic through before the contested write, however slow the machine. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the traffic before the contested write never came');
    await sleep(5);
  }
}
interface Attempt {
  value: string;
  startedAt: number;
  endedAt: number;
  response: AnyResponse;
}
async function attempt(value: string, into: Attempt[]): Promise<AnyResponse> {
  const startedAt = performance.now();
  const response = await exchange(value);
  into.push({ value, startedAt, endedAt: performance.now(), response });
  return response;
}
/**
 * An exchange that overlapped the contested write: a token for the PAT's owner, the subject refused, or
 * (on an overloaded machine) the documented 503 + Retry-After.
 */
async function expectConcurrentAnswer(response: AnyResponse): Promise<void> {
  if (response.status === 200) {
    await service.verify((response.json as { access_token: string }).access_token);
  } else if (response.status >= 500) expectOAuthServerError(response, 'retryable');
  else expectOAuthClientError(response, invalidSubject);
}
async function createPatValue(userId: string, name: string): Promise<string> {
  return (await service.client.pats.create(userId, { name })).value;
}

it('once a user delete has returned, no exchange started later succeeds, and the id registered again revives none', async () => {
  const userId = await service.newUser();
  const issued = await Promise.all(Array.from({ length: 8 }, (_, index) => createPatValue(userId, `p${index}`)));
  const attempts: Attempt[] = [];
  let deleteSentAt = Number.POSITIVE_INFINITY;
  let deleteReturnedAt = Number.POSITIVE_INFINITY;
  const hammer = async (value: string) => {
    for (let i = 0; i < 8; i++) await attempt(value, attempts);
  };
  const deleteSoon = async () => {
    await waitFor(() => attempts.length >= issued.length);
    deleteSentAt = performance.now();
    await service.client.users.delete(userId);
    deleteReturnedAt = performance.now();
  };
  await Promise.all([...issued.flatMap((value) => [hammer(value), hammer(value)]), deleteSoon()]);
  for (const value of issued) for (let i = 0; i < 2; i++) await attempt(value, attempts);

  for (const { startedAt, endedAt, response } of attempts) {
    if (endedAt < deleteSentAt) expect(response.status).toBe(200);
    else if (startedAt > deleteReturnedAt) expectOAuthClientError(response, invalidSubject);
    else await expectConcurrentAnswer(response);
  }
  expect(attempts.filter(({ endedAt }) => endedAt < deleteSentAt).length).toBeGreaterThan(0);
  expect(attempts.filter(({ startedAt }) => startedAt > deleteReturnedAt).length).toBeGreaterThanOrEqual(
    2 * issued.length,
  );

  // The same id registered again is a new user: none of the old PATs work, and none are listed.
  await service.client.users.create({ id: userId });
  expect(await service.client.pats.list(userId)).toEqual([]);
  for (const value of issued) expectOAuthClientError(await exchange(value), invalidSubject);
  expect((await table()).pats.filter((item) => item.userId === userId)).toEqual([]);
  await expectPurgedByMaintenance();
}, 60_000);

it('refuses every PAT of a suspended user, those created while the suspension was written included', async () => {
  const userId = await service.newUser();
  const before = await Promise.all(['a', 'b', 'c'].map((name) => createPatValue(userId, name)));
  const during: string[] = [];
  const attempts: Attempt[] = [];
  let suspendReturnedAt = Number.POSITIVE_INFINITY;
  // Each creator creates PATs one after another and tries each at once, until it has tried one after the
  // suspension returned (however fast or slow the machine).
  const creator = async (index: number) => {
    for (let k = 0; k < 100; k++) {
      const value = await createPatValue(userId, `n${index}-${k}`);
      during.push(value);
      await attempt(value, attempts);
      if (k >= 3 && attempts.at(-1)!.startedAt > suspendReturnedAt) return;
    }
  };
  const suspendSoon = async () => {
    await waitFor(() => during.length >= 6);
    await service.client.users.setSuspended(userId, true);
    suspendReturnedAt = performance.now();
  };
  await Promise.all([...Array.from({ length: 6 }, (_, index) => creator(index)), suspendSoon()]);

  for (const { startedAt, response } of attempts) {
    if (startedAt > suspendReturnedAt) expectOAuthClientError(response, invalidSubject);
    else await expectConcurrentAnswer(response);
  }
  expect(attempts.filter(({ startedAt }) => startedAt > suspendReturnedAt).length).toBeGreaterThan(0);
  // While suspended: every PAT is refused, the ones from before, from during, and new ones.
  const after = await createPatValue(userId, 'after');
  const all = [...before, ...during, after];
  expect(new Set(all).size).toBe(before.length + during.length + 1);
  expect(during.length).toBeGreaterThanOrEqual(24);
  for (const value of all) expectOAuthClientError(await exchange(value), invalidSubject);

  await service.client.users.setSuspended(userId, false);
  for (const value of all) expect((await exchange(value)).status).toBe(200);
  expect(patInvariantViolations(await table())).toEqual([]);
}, 60_000);

it('revoke-all racing creates: PATs created before it die, PATs created after it live, and the list agrees', async () => {
  const userId = await service.newUser();
  const before = await Promise.all(['a', 'b', 'c'].map((name) => createPatValue(userId, name)));
  const created = new Map<string, { value: string; sentAt: number; returnedAt: number }>();
  const refusedNames: { sentAt: number }[] = [];
  let revokeSentAt = Number.POSITIVE_INFINITY;
  let revokeReturnedAt = Number.POSITIVE_INFINITY;

  const create = async (name: string) => {
    const sentAt = performance.now();
    const response = await service.client.raw('POST', patsPath(userId), { name });
    const returnedAt = performance.now();
    if (response.status === 201) {
      created.set(name, { value: (response.json as { value: string }).value, sentAt, returnedAt });
      return true;
    }
    // Taking the name of a PAT from before is refused until revoke-all has ended it.
    expectManagementError(response, { status: 422, code: 'user.personal_access_token_name_exists' });
    refusedNames.push({ sentAt });
    return false;
  };
  let creatorCreates = 0;
  // Each creator goes on until it has sent one create after revoke-all returned.
  const creator = async (index: number) => {
    for (let k = 0; k < 100; k++) {
      const sentAt = performance.now();
      creatorCreates++;
      expect(await create(`n${index}-${k}`)).toBe(true);
      if (k >= 3 && sentAt > revokeReturnedAt) return;
    }
  };
  const reuseName = async () => {
    for (let i = 0; i < 200 && !(await create('a')); i++) await sleep(5);
  };
  const revokeSoon = async () => {
    await waitFor(() => created.size >= 6);
    revokeSentAt = performance.now();
    await service.client.pats.revokeAll(userId);
    revokeReturnedAt = performance.now();
  };
  await Promise.all([...Array.from({ length: 6 }, (_, index) => creator(index)), reuseName(), revokeSoon()]);

  expect(created.size).toBe(creatorCreates + 1);
  expect(refusedNames.length).toBeGreaterThan(0);
  for (const { sentAt } of refusedNames) expect(sentAt).toBeLessThan(revokeReturnedAt);
  for (const value of before) expectOAuthClientError(await exchange(value), invalidSubject);

  const listed = new Set((await service.client.pats.list(userId)).map((pat) => pat.name));
  const order = { before: 0, after: 0 };
  for (const [name, { value, sentAt, returnedAt }] of created) {
    const response = await exchange(value);
    if (returnedAt < revokeSentAt) {
      order.before++;
      expectOAuthClientError(response, invalidSubject);
    } else if (sentAt > revokeReturnedAt) {
      order.after++;
      expect(response.status).toBe(200);
    }
    // Either way, concurrent or not: a PAT works exactly when it is listed.
    expect({ name, works: response.status === 200 }).toEqual({ name, works: listed.has(name) });
    if (response.status !== 200) expectOAuthClientError(response, invalidSubject);
  }
  expect(order.before).toBeGreaterThan(0);
  expect(order.after).toBeGreaterThan(0);
  expect(listed.has('a')).toBe(true);
  await expectPurgedByMaintenance();
}, 60_000);

it('revoke-all of more PATs than one request removes: all dead at once, the rest purged by maintenance', async () => {
  const userId = await service.newUser();
  const INLINE_PURGE_LIMIT = 200;
  const values: string[] = [];
  for (let batch = 0; batch < 11; batch++) {
    values.push(
      ...(await Promise.all(
        Array.from({ length: 20 }, (_, index) => createPatValue(userId, `bulk-${batch}-${index}`)),
      )),
    );
  }
  await service.client.pats.revokeAll(userId);

  // Some PAT items of the ended epoch are still there; none of them works, none is listed.
  const lingering = (await table()).pats.filter((item) => item.userId === userId);
  expect(lingering.length).toBe(values.length - INLINE_PURGE_LIMIT);
  expect(await service.client.pats.list(userId)).toEqual([]);
  for (let start = 0; start < values.length; start += 20) {
    const responses = await Promise.all(values.slice(start, start + 20).map(exchange));
    for (const response of responses) expectOAuthClientError(response, invalidSubject);
  }
  // A name of the ended epoch is free again: its leftover item is replaced, not a conflict.
  const reused = String(lingering[0]!.name);
  expect((await exchange(await createPatValue(userId, reused))).status).toBe(200);
  expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual([reused]);
  expect(patInvariantViolations(await table())).toEqual([]);

  await expectPurgedByMaintenance();
  expect((await table()).pats.filter((item) => item.userId === userId).map((item) => item.name)).toEqual([reused]);
}, 60_000);
