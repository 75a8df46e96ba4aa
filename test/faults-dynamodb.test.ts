/**
 * DynamoDB failing in the ways the real service fails, injected by a proxy in front of DynamoDB Local:
 * throttling (400), InternalServerError (500), errors retrying can't fix, and writes that commit although
 * the caller is told they failed. The SDK retries (maxAttempts 3) absorb fewer than three faults in a row;
 * beyond that the token endpoint answers 503 + Retry-After and management answers 503 `{code, message}`.
 * Afterwards the table is checked directly: a write happened completely or not at all. Suspension, revoke-all
 * and user deletion are one write each: under a fault they either happened or not, and every PAT follows.
 */
import fc from 'fast-check';
import type { TestService } from './harness/service';
import { startServiceBehindDynamoDbFaults, type ServiceBehindFaults } from './support/behind-dynamodb-faults';
import { dynamoDbFaults, type Fault, type FaultProxy, type FaultRule } from './support/fault-proxy';
import {
  expectManagementError,
  expectOAuthClientError,
  expectOAuthServerError,
  headerOf,
  type AnyResponse,
} from './support/protocol-errors';
import { patInvariantViolations, patStanding, scanTable } from './support/table-invariants';

const SDK_MAX_ATTEMPTS = 3;
const engineUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB!;

let proxy: FaultProxy;
let service: TestService;
let running: ServiceBehindFaults | undefined;

beforeAll(async () => {
  running = await startServiceBehindDynamoDbFaults();
  ({ proxy, service } = running);
});
afterAll(() => running?.close());
afterEach(() => proxy.clear());

const demo = () => service.config.demoApplication;
const exchange = (pat: string) =>
  service.client.exchange({ pat, clientId: demo().clientId, clientSecret: demo().clientSecret });
const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;
const touching = (prefix: string) => (body: string) => body.includes(`"${prefix}`);
const table = () => scanTable(engineUrl, service.config.tableName);

const retryableFaults: [string, Fault][] = [
  ['ThrottlingException', dynamoDbFaults.throttling],
  ['ProvisionedThroughputExceededException', dynamoDbFaults.provisionedThroughputExceeded],
  ['InternalServerError', dynamoDbFaults.internalServerError],
];

function expectManagementUnavailable(response: AnyResponse): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status: 503,
    body: { code: 'service.unavailable', message: expect.any(String) },
  });
  expect(Number(headerOf(response, 'retry-after'))).toBeGreaterThan(0);
}

async function expectConsistentTable(): Promise<void> {
  expect(patInvariantViolations(await table())).toEqual([]);
}

describe('token endpoint', () => {
  let pat: string;
  beforeAll(async () => {
    pat = (await service.client.pats.create(await service.newUser(), { name: 'faults' })).value;
    expect((await exchange(pat)).status).toBe(200); // warms the application cache
  });

  // The two reads of an exchange: the PAT's lookup item, then the owner's user item (beside Sign).
  const reads = [
    ['PAT lookup', touching('PATHASH#')],
    ["owner's user item", (body: string) => body.includes('"sk":{"S":"USER"}')],
  ] as const;
  const readFaults = reads.flatMap(([read, when]) =>
    retryableFaults.map(([name, fault]) => [name, read, when, fault] as const),
  );

  it.each(readFaults)(
    'absorbs %s on the %s on fewer than 3 attempts, answers 503 on 3, then recovers',
    async (_name, _read, when, fault) => {
      const lookup: FaultRule = { operations: ['GetItem'], when, fault };

      proxy.inject({ ...lookup, times: SDK_MAX_ATTEMPTS - 1 });
      expect((await exchange(pat)).status).toBe(200);

      proxy.inject({ ...lookup, times: SDK_MAX_ATTEMPTS });
      const before = proxy.injected;
      expectOAuthServerError(await exchange(pat), 'retryable');
      expect(proxy.injected - before).toBe(SDK_MAX_ATTEMPTS);

      // The rule has lapsed: the next request succeeds on its own, with nothing reset.
      expect((await exchange(pat)).status).toBe(200);
    },
  );

  it('answers 500 server_error, without Retry-After, to errors retrying cannot fix', async () => {
    for (const type of ['AccessDeniedException', 'ResourceNotFoundException', 'ValidationException']) {
      proxy.inject({
        operations: ['GetItem'],
        when: touching('PATHASH#'),
        fault: { kind: 'error', status: 400, type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'Injected' },
        times: 1,
      });
      expectOAuthServerError(await exchange(pat), 'permanent');
    }
    expect((await exchange(pat)).status).toBe(200);
  });

  it('still issues the token when only the last-used write fails, and records the use at the next exchange', async () => {
    // A PAT of its own: a warm container writes lastUsedAt at most once per LAST_USED_INTERVAL_SECONDS per PAT.
    const userId = await service.newUser();
    const fresh = await service.client.pats.create(userId, { name: 'last-used' });
    // The PAT item and its lookup in one TransactWriteItems (store/pats.ts touchPat), failing on every attempt.
    proxy.inject({ operations: ['TransactWriteItems'], fault: dynamoDbFaults.internalServerError });
    const before = proxy.injected;
    const response = await exchange(fresh.value);
    expect(response.status).toBe(200);
    await service.verify((response.json as { access_token: string }).access_token);
    expect(proxy.injected - before).toBe(SDK_MAX_ATTEMPTS);
    expect((await service.client.pats.list(userId))[0]!.lastUsedAt).toBeNull();

    proxy.clear();
    expect((await exchange(fresh.value)).status).toBe(200);
    expect((await service.client.pats.list(userId))[0]!.lastUsedAt).toEqual(expect.any(Number));
  });

  describe("with a resource: the owner and the owner's roles in one BatchGetItem", () => {
    /** Requests after the first for keys DynamoDB left unprocessed (store/token-path-reads.ts). */
    const UNPROCESSED_RETRIES = 3;
    let rolePat: string;
    let indicator: string;
    beforeAll(async () => {
      const userId = await service.newUser();
      indicator = `https://faults.example.com/${userId}`;
      const resource = await service.client.resources.create({ name: 'faults', indicator, scopes: ['read:f'] });
      const [read] = await service.client.resources.scopes.list(resource.id);
      const role = await service.client.roles.create({
        name: `faults-${userId}`,
        description: 'f',
        scopeIds: [read!.id],
      });
      await service.client.roles.assign(userId, [role.id]);
      rolePat = (await service.client.pats.create(userId, { name: 'faults' })).value;
      // Once, so that the resource is known: a cold container reads it with the PAT lookup, in a BatchGetItem too.
      expect((await exchangeForResource()).status).toBe(200);
    });
    const exchangeForResource = () =>
      service.client.exchange({
        pat: rolePat,
        clientId: demo().clientId,
        clientSecret: demo().clientSecret,
        resource: indicator,
        scope: 'read:f',
      });
    const batchGets = () => proxy.calls('BatchGetItem');

    it('asks again for keys left unprocessed, up to 3 times; then 503, never a token decided on a partial read', async () => {
      const unprocessed: FaultRule = { operations: ['BatchGetItem'], fault: { kind: 'unprocessed' } };
      proxy.inject({ ...unprocessed, times: UNPROCESSED_RETRIES });
      let before = batchGets();
      const response = await exchangeForResource();
      expect({ status: response.status, scope: (response.json as { scope?: string }).scope }).toEqual({
        status: 200,
        scope: 'read:f',
      });
      expect(batchGets() - before).toBe(1 + UNPROCESSED_RETRIES);

      proxy.inject({ ...unprocessed, times: 1 + UNPROCESSED_RETRIES });
      before = batchGets();
      expectOAuthServerError(await exchangeForResource(), 'retryable');
      expect(batchGets() - before).toBe(1 + UNPROCESSED_RETRIES);

      expect((await exchangeForResource()).status).toBe(200);
    });

    it('absorbs InternalServerError on the BatchGetItem on fewer than 3 attempts, answers 503 on 3', async () => {
      const failing: FaultRule = { operations: ['BatchGetItem'], fault: dynamoDbFaults.internalServerError };
      proxy.inject({ ...failing, times: SDK_MAX_ATTEMPTS - 1 });
      expect((await exchangeForResource()).status).toBe(200);
      proxy.inject({ ...failing, times: SDK_MAX_ATTEMPTS });
      expectOAuthServerError(await exchangeForResource(), 'retryable');
      expect((await exchangeForResource()).status).toBe(200);
    });
  });
});

describe('a limit check straddled by a write', () => {
  afterEach(() => void delete process.env.PAT_MAX_PER_USER);

  it('a creation whose count saw a rename under both names looks again instead of refusing (PAT_MAX_PER_USER)', async () => {
    process.env.PAT_MAX_PER_USER = '2';
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'a' });
    // The count reads the guard's snapshot of the user's PATs, then Queries them: the Query is held back (a slow
    // network) until a rename of 'a' has committed, so the snapshot shows 'a' and the Query 'a2'.
    proxy.resetCounts();
    proxy.inject({
      operations: ['Query'],
      when: (body) => body.includes(userId),
      fault: { kind: 'delay', ms: 600 },
      times: 1,
    });
    const creating = service.client.raw('POST', patsPath(userId), { name: 'x' });
    for (const started = Date.now(); proxy.calls('Query') === 0 && Date.now() - started < 5_000;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(proxy.injected).toBeGreaterThan(0);
    expect((await service.client.raw('PATCH', patsPath(userId), { currentName: 'a', name: 'a2' })).status).toBe(200);

    const created = await creating;
    expect({ status: created.status, body: created.json }).toEqual({ status: 201, body: expect.anything() });
    expect((await service.client.pats.list(userId)).map((pat) => pat.name).sort()).toEqual(['a2', 'x']);
  });
});

describe('management writes happen completely or not at all', () => {
  // Throttling backs off from 500 ms per attempt, so one throttling kind here keeps the file quick.
  const writeFaults = retryableFaults.filter(([name]) => name !== 'ProvisionedThroughputExceededException');

  it.each(writeFaults)('create under a persistent %s: 503, nothing written; then 201', async (_name, fault) => {
    const userId = await service.newUser();
    proxy.inject({ operations: ['TransactWriteItems'], fault });
    expectManagementUnavailable(await service.client.raw('POST', patsPath(userId), { name: 'n' }));
    expect((await table()).pats.filter((item) => item.userId === userId)).toEqual([]);

    proxy.clear();
    const created = await service.client.pats.create(userId, { name: 'n' });
    expect((await exchange(created.value)).status).toBe(200);
    await expectConsistentTable();
  });

  it('create whose commit was reported as failed: the retry is idempotent and the value works', async () => {
    const userId = await service.newUser();
    proxy.inject({
      operations: ['TransactWriteItems'],
      fault: { ...dynamoDbFaults.internalServerError, kind: 'error-after-forwarding' },
      times: 1,
    });
    const response = await service.client.raw('POST', patsPath(userId), { name: 'ambiguous' });
    expect(response.status).toBe(201);
    expect((await exchange((response.json as { value: string }).value)).status).toBe(200);
    expect((await table()).pats.filter((item) => item.userId === userId)).toHaveLength(1);
    await expectConsistentTable();
  });

  it('rename and delete under faults leave the PAT and its lookup as they were', async () => {
    const userId = await service.newUser();
    const { value } = await service.client.pats.create(userId, { name: 'before' });

    proxy.inject({ operations: ['TransactWriteItems'], fault: dynamoDbFaults.internalServerError });
    expectManagementUnavailable(
      await service.client.raw('PATCH', patsPath(userId), { currentName: 'before', name: 'after' }),
    );
    expectManagementUnavailable(await service.client.raw('POST', `${patsPath(userId)}/delete`, { name: 'before' }));
    proxy.clear();

    expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['before']);
    expect((await exchange(value)).status).toBe(200);
    await expectConsistentTable();

    await service.client.pats.rename(userId, 'before', 'after');
    await service.client.pats.delete(userId, 'after');
    expectOAuthClientError(await exchange(value), { status: 400, error: 'invalid_request' });
    await expectConsistentTable();
  });

  const userItemUpdate = (userId: string) => (body: string) =>
    body.includes(`"S":"USER#${userId}"`) && body.includes('"sk":{"S":"USER"}');

  /** Every PAT of the user exchanges exactly when the user's own item says it isn't suspended. */
  async function expectExchangesToFollow(userId: string, values: readonly string[]): Promise<boolean> {
    const { isSuspended } = await service.client.users.get(userId);
    for (const value of values) {
      if (isSuspended) expectOAuthClientError(await exchange(value), { status: 400, error: 'invalid_request' });
      else expect((await exchange(value)).status).toBe(200);
    }
    return isSuspended;
  }

  it.each([
    // [fault, times, what the faults leave behind]
    ['error', 1, 'absorbed by a retry'],
    ['error', SDK_MAX_ATTEMPTS, 'not happened'],
    ['error-after-forwarding', 1, 'absorbed by a retry'],
    ['error-after-forwarding', SDK_MAX_ATTEMPTS, 'happened'],
  ] as const)(
    'suspension is one transaction (the user item and its audit event): under %s ×%d it has %s, and every PAT follows at once',
    async (kind, times, outcome) => {
      const userId = await service.newUser();
      const values = await Promise.all(
        ['a', 'b', 'c'].map(async (name) => (await service.client.pats.create(userId, { name })).value),
      );
      for (const isSuspended of [true, false]) {
        proxy.resetCounts();
        proxy.inject({
          operations: ['TransactWriteItems'],
          when: userItemUpdate(userId),
          fault: { ...dynamoDbFaults.internalServerError, kind },
          times,
        });
        const response = await service.client.raw('PATCH', `/api/users/${userId}/is-suspended`, { isSuspended });
        // One transaction (attempted once per SDK attempt, idempotent by its client request token): nothing else
        // to half-finish.
        expect(proxy.calls('TransactWriteItems')).toBe(outcome === 'absorbed by a retry' ? times + 1 : times);
        expect(proxy.calls('UpdateItem')).toBe(0);
        proxy.clear();

        if (outcome === 'absorbed by a retry') {
          expect(response.status).toBe(200);
          expect((response.json as { isSuspended: boolean }).isSuspended).toBe(isSuspended);
        } else expectManagementUnavailable(response);
        expect(await expectExchangesToFollow(userId, values)).toBe(
          outcome === 'not happened' ? !isSuspended : isSuspended,
        );

        // Retrying the request converges, whatever the failed attempt left behind.
        expect((await service.client.users.setSuspended(userId, isSuspended)).isSuspended).toBe(isSuspended);
        expect(await expectExchangesToFollow(userId, values)).toBe(isSuspended);
      }
      await expectConsistentTable();
    },
  );

  /** The one transaction of revoke-all and of user deletion: it updates or deletes the user item. */
  const userItemTransaction = (userId: string) => (body: string) =>
    body.includes(`"S":"USER#${userId}"`) && body.includes('"sk":{"S":"USER"}');

  it.each([
    ['revoke-all', 'error', 1, 'absorbed by a retry'],
    ['revoke-all', 'error', SDK_MAX_ATTEMPTS, 'not happened'],
    ['revoke-all', 'error-after-forwarding', 1, 'absorbed by a retry'],
    ['revoke-all', 'error-after-forwarding', SDK_MAX_ATTEMPTS, 'happened'],
    ['user deletion', 'error', 1, 'absorbed by a retry'],
    ['user deletion', 'error', SDK_MAX_ATTEMPTS, 'not happened'],
    ['user deletion', 'error-after-forwarding', 1, 'absorbed by a retry'],
    ['user deletion', 'error-after-forwarding', SDK_MAX_ATTEMPTS, 'happened'],
  ] as const)(
    '%s is one transaction: under %s ×%d it has %s, for every PAT at once, and maintenance purges the rest',
    async (operation, kind, times, outcome) => {
      const userId = await service.newUser();
      const values = await Promise.all(
        ['a', 'b', 'c'].map(async (name) => (await service.client.pats.create(userId, { name })).value),
      );
      proxy.inject({
        operations: ['TransactWriteItems'],
        when: userItemTransaction(userId),
        fault: { ...dynamoDbFaults.internalServerError, kind },
        times,
      });
      const path = operation === 'revoke-all' ? patsPath(userId) : `/api/users/${userId}`;
      const response = await service.client.raw('DELETE', path);
      proxy.clear();

      if (outcome === 'absorbed by a retry') expect(response.status).toBe(204);
      else expectManagementUnavailable(response);
      const happened = outcome !== 'not happened';
      for (const value of values) {
        if (happened) expectOAuthClientError(await exchange(value), { status: 400, error: 'invalid_request' });
        else expect((await exchange(value)).status).toBe(200);
      }
      const user = await service.client.raw('GET', `/api/users/${userId}`);
      if (operation === 'user deletion' && happened) {
        expectManagementError(user, { status: 404, code: 'entity.not_exists_with_id' });
      } else {
        expect(user.status).toBe(200);
        expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(
          happened ? [] : ['a', 'b', 'c'],
        );
      }
      await expectConsistentTable();

      // Whatever the request left behind is finished by the maintenance run: no PAT item of the user remains.
      if (happened) {
        if (operation === 'user deletion') {
          // The id registered again, before the old PAT items are purged: they stay dead and unlisted.
          await service.client.users.create({ id: userId });
          expect(await service.client.pats.list(userId)).toEqual([]);
          for (const value of values) {
            expectOAuthClientError(await exchange(value), { status: 400, error: 'invalid_request' });
          }
        }
        await service.runMaintenance();
        const snapshot = await table();
        expect(snapshot.pats.filter((item) => item.userId === userId)).toEqual([]);
        expect(snapshot.hashes.filter((item) => item.userId === userId)).toEqual([]);
        expect(snapshot.purges.filter((item) => item.userId === userId)).toEqual([]);
      }
    },
  );

  it('reads under faults answer 503, and non-retryable ones 500 {code, message}', async () => {
    const userId = await service.newUser();
    proxy.inject({ operations: ['Query'], fault: dynamoDbFaults.throttling, times: SDK_MAX_ATTEMPTS });
    expectManagementUnavailable(await service.client.raw('GET', patsPath(userId)));
    proxy.inject({
      operations: ['GetItem'],
      fault: {
        kind: 'error',
        status: 400,
        type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
        message: 'Injected',
      },
      times: 1,
    });
    const denied = await service.client.raw('POST', patsPath(userId), { name: 'x' });
    expect({ status: denied.status, body: denied.json }).toEqual({
      status: 500,
      body: { code: 'unknown', message: expect.any(String) },
    });
    expect((await service.client.raw('GET', patsPath(userId))).json).toEqual([]);
  });
});

it('keeps every answer in protocol and the table consistent under random faults on random operations', async () => {
  const userId = await service.newUser();
  const values = new Map<string, string>();
  const operations = ['GetItem', 'Query', 'UpdateItem', 'TransactWriteItems'] as const;
  const action = fc.record({
    kind: fc.constantFrom('create', 'rename', 'delete', 'exchange', 'suspend', 'revokeAll'),
    name: fc.constantFrom('p', 'q', 'r'),
    other: fc.constantFrom('p', 'q', 'r'),
    flag: fc.boolean(),
    fault: fc.option(
      fc.record({
        operation: fc.constantFrom(...operations),
        fault: fc.constantFrom(dynamoDbFaults.internalServerError, {
          ...dynamoDbFaults.internalServerError,
          kind: 'error-after-forwarding' as const,
        }),
        times: fc.integer({ min: 1, max: 4 }),
      }),
      { freq: 2 },
    ),
  });

  await fc.assert(
    fc.asyncProperty(action, async ({ kind, name, other, flag, fault }) => {
      proxy.clear();
      if (fault) proxy.inject({ operations: [fault.operation], fault: fault.fault, times: fault.times });
      if (kind === 'exchange') {
        const value = values.get(name);
        if (!value) return;
        const response = await exchange(value);
        if (response.status >= 500) expectOAuthServerError(response, 'retryable');
        else if (response.status !== 200) expectOAuthClientError(response, { status: 400, error: 'invalid_request' });
        return;
      }
      const response = await {
        create: () => service.client.raw('POST', patsPath(userId), { name }),
        rename: () => service.client.raw('PATCH', patsPath(userId), { currentName: name, name: other }),
        delete: () => service.client.raw('POST', `${patsPath(userId)}/delete`, { name }),
        suspend: () => service.client.raw('PATCH', `/api/users/${userId}/is-suspended`, { isSuspended: flag }),
        revokeAll: () => service.client.raw('DELETE', patsPath(userId)),
      }[kind]();
      if (kind === 'create' && response.status === 201) values.set(name, (response.json as { value: string }).value);
      if (response.status >= 500) expectManagementUnavailable(response);
      else if (response.status >= 400) expectManagementError(response);
    }),
    { seed: 6_2027, numRuns: 80 },
  );
  proxy.clear();
  await expectConsistentTable();
  // Every PAT value issued works exactly when the table says it should.
  const snapshot = await table();
  for (const value of values.values()) {
    const response = await exchange(value);
    if (patStanding(snapshot, value) === 'live') expect(response.status).toBe(200);
    else expectOAuthClientError(response, { status: 400, error: 'invalid_request' });
  }
}, 60_000);
