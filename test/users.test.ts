/**
 * Users: Logto's Management API shapes, and what a user's state does to its PATs at the token endpoint —
 * suspension, revoke-all and deletion bite at once for any number of PATs, with one write each.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PatgateApiError } from '../client/management-client';
import { generatePatValue, hashPatValue } from '../lambdas/shared/crypto/pat-value';
import { keys } from '../lambdas/shared/store/keys';
import { createPat } from '../lambdas/shared/store/pats';
import { startTestService, type TestService } from './harness/service';
import { scanItems } from './support/table-invariants';

let service: TestService;
let table: DynamoDBDocumentClient;

beforeAll(async () => {
  service = await startTestService();
  table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
});
afterAll(() => service.close());

const demo = () => service.config.demoApplication;
const exchange = (pat: string) =>
  service.client.exchange({ pat, clientId: demo().clientId, clientSecret: demo().clientSecret, scope: 'openid' });

async function expectRefused(pat: string) {
  const response = await exchange(pat);
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({ error: 'invalid_request', error_description: 'The subject_token is invalid.' });
}

async function expectAccepted(pat: string) {
  const response = await exchange(pat);
  expect(response.status).toBe(200);
  const { payload } = await service.verify((response.json as { access_token: string }).access_token);
  return payload;
}

async function apiError(call: Promise<unknown>): Promise<PatgateApiError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PatgateApiError);
  return error as PatgateApiError;
}

/**
 * Creates `count` PATs with the pats function's own store code, in this process (the local service's
 * handlers run here too): the same items and transactions as the API, without an HTTP request each.
 */
async function createPats(userId: string, count: number, prefix = 'pat'): Promise<string[]> {
  const values: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const value = generatePatValue();
      const name = `${prefix}-${index}`;
      const created = await createPat(
        { callerArn: 'test', sourceIp: null, requestId: null },
        { userId, name, tokenHash: hashPatValue(value), createdAt: Date.now(), expiresAt: null, scopes: null },
      );
      if (created !== 'created') throw new Error(`could not create ${name}: ${created}`);
      values[index] = value;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return values;
}

const sample = <T>(values: readonly T[], size: number) =>
  Array.from({ length: size }, (_, i) => values[Math.floor((i * values.length) / size)]!);

/** The user's items, not its audit events: those stay for their retention, after the user is gone. */
async function itemsOfUser(userId: string) {
  const { pk } = keys.user(userId);
  return (await scanItems(service.config.endpoints.dynamodb, service.config.tableName)).filter(
    (item) => (item.pk === pk || item.userId === userId) && !String(item.pk).startsWith('AUDIT#'),
  );
}

describe("Logto's user routes", () => {
  it('creates (200, not 201), reads, updates and deletes a user, in Logto shapes', async () => {
    const id = service.newUserId();
    const created = await service.client.users.create({
      id,
      username: `u_${id.slice(5)}`,
      name: 'Ada',
      customData: { team: 'ci' },
    });
    expect(created).toEqual({
      id,
      username: `u_${id.slice(5)}`,
      primaryEmail: null,
      primaryPhone: null,
      name: 'Ada',
      avatar: null,
      customData: { team: 'ci' },
      identities: {},
      lastSignInAt: null,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      profile: {},
      applicationId: null,
      isSuspended: false,
      hasPassword: false,
    });
    const raw = await service.client.raw('POST', '/api/users', {});
    expect(raw.status).toBe(200);
    expect((raw.json as { id: string }).id).toMatch(/^[a-z0-9]{12}$/);

    expect(await service.client.users.get(id)).toEqual(created);
    const updated = await service.client.users.update(id, { name: null, primaryEmail: `${id}@example.com` });
    expect(updated).toMatchObject({ name: null, primaryEmail: `${id}@example.com`, username: created.username });
    const suspended = await service.client.users.setSuspended(id, true);
    expect(suspended).toMatchObject({ id, isSuspended: true, name: null });

    await service.client.users.delete(id);
    const missing = await apiError(service.client.users.get(id));
    expect(missing).toMatchObject({ status: 404, code: 'entity.not_exists_with_id' });
    expect(await apiError(service.client.users.setSuspended(id, false))).toMatchObject({ status: 404 });
    expect(await apiError(service.client.users.delete(id))).toMatchObject({ status: 404 });
  });

  it('stores any JSON object as customData, whatever DynamoDB’s own number and nesting limits', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 40; level++) deep = { level, deep };
    const customData = { big: 1e300, precise: 0.12345678901234567, nested: deep, empty: {}, list: [null, '', 0] };
    const user = await service.client.users.create({ customData });
    expect(user.customData).toEqual(customData);
    expect((await service.client.users.get(user.id)).customData).toEqual(customData);
  });

  it('keeps usernames, emails and phone numbers unique, case-insensitively, and frees them on change or delete', async () => {
    const tag = service.newUserId().slice(5);
    const first = await service.client.users.create({
      username: `Taken_${tag}`,
      primaryEmail: `${tag}@Example.com`,
      primaryPhone: `1${Date.now()}`,
    });
    expect(await apiError(service.client.users.create({ username: `taken_${tag}` }))).toMatchObject({
      status: 422,
      code: 'user.username_already_in_use',
    });
    expect(await apiError(service.client.users.create({ primaryEmail: `${tag}@example.COM` }))).toMatchObject({
      status: 422,
      code: 'user.email_already_in_use',
    });
    expect(await apiError(service.client.users.create({ primaryPhone: first.primaryPhone! }))).toMatchObject({
      status: 422,
      code: 'user.phone_already_in_use',
    });
    const second = await service.client.users.create({});
    expect(await apiError(service.client.users.update(second.id, { username: `TAKEN_${tag}` }))).toMatchObject({
      status: 422,
      code: 'user.username_already_in_use',
    });
    expect(await apiError(service.client.users.create({ id: first.id }))).toMatchObject({
      status: 422,
      code: 'entity.unique_integrity_violation',
    });

    await service.client.users.update(first.id, { username: '' });
    expect((await service.client.users.update(second.id, { username: `taken_${tag}` })).username).toBe(`taken_${tag}`);
    await service.client.users.delete(first.id);
    expect((await service.client.users.create({ primaryEmail: `${tag}@example.com` })).primaryEmail).toBe(
      `${tag}@example.com`,
    );
  });

  it('lists newest first with page, page_size, search, Total-Number and Link', async () => {
    const tag = service.newUserId().slice(5);
    for (const name of ['one', 'two', 'three']) {
      await service.client.users.create({ id: `list-${tag}-${name}`, name: `List ${name}` });
    }
    const page = await service.client.raw('GET', `/api/users?search=${tag}&page=2&page_size=2`);
    expect(page.status).toBe(200);
    expect(page.headers.get('total-number')).toBe('3');
    expect((page.json as { id: string }[]).map((user) => user.id)).toEqual([`list-${tag}-one`]);
    const link = page.headers.get('link')!;
    expect(link).toContain('rel="first"');
    expect(link).toContain('rel="prev"');
    expect(link).not.toContain('rel="next"');
    expect(link).toMatch(/page=1&page_size=2>; rel="first"/);

    const first = await service.client.users.list({ search: `%${tag}-t%`, pageSize: 20 });
    expect(first.users.map((user) => user.id)).toEqual([`list-${tag}-three`, `list-${tag}-two`]);
    expect(first.total).toBe(2);

    for (const query of ['page_size=101', 'page=0', 'page=x']) {
      const bad = await service.client.raw('GET', `/api/users?${query}`);
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ code: 'guard.invalid_pagination' });
    }
  });
});

describe('a user’s state at the token endpoint', () => {
  it('suspends a user holding 2,000 PATs with one write: every sampled PAT is refused at once, and restored at once', async () => {
    const userId = await service.newUser();
    const pats = await createPats(userId, 2000);
    const probe = sample(pats, 40);
    for (const pat of probe.slice(0, 5)) await expectAccepted(pat);

    await service.client.users.setSuspended(userId, true);
    for (const pat of probe) await expectRefused(pat);
    // The PATs themselves are untouched: suspension lives on the user alone.
    expect(await service.client.pats.list(userId)).toHaveLength(2000);

    await service.client.users.setSuspended(userId, false);
    for (const pat of probe) await expectAccepted(pat);

    // Revoke-all of 2,000 is one write too; the items go inline (200) and then by the maintenance function.
    await service.client.pats.revokeAll(userId);
    for (const pat of probe) await expectRefused(pat);
    expect(await service.client.pats.list(userId)).toEqual([]);
    expect((await itemsOfUser(userId)).length).toBeGreaterThan(2 * 1000);
    const report = await service.runMaintenance();
    expect(report.purgesCompleted).toBeGreaterThanOrEqual(1);
    // What is left of the user: its user item alone.
    expect((await itemsOfUser(userId)).map((item) => item.sk)).toEqual(['USER']);

    // New PATs work again, under names the revoked ones had.
    const again = await service.client.pats.create(userId, { name: 'pat-0' });
    await expectAccepted(again.value);
  }, 120_000);

  it('deletes a user: its PATs stop at once and go; the id registered again never revives them', async () => {
    const userId = await service.newUser();
    const [old] = await createPats(userId, 3, 'old');
    await expectAccepted(old!);
    await service.client.users.delete(userId);
    await expectRefused(old!);
    expect((await itemsOfUser(userId)).map((item) => item.sk)).toEqual([]);
    const list = await service.client.raw('GET', `/api/users/${userId}/personal-access-tokens`);
    expect(list.status).toBe(404);
    expect(list.json).toMatchObject({ code: 'entity.not_found' });

    await service.client.users.create({ id: userId });
    await expectRefused(old!);
    const fresh = await service.client.pats.create(userId, { name: 'old-0' });
    const payload = await expectAccepted(fresh.value);
    expect(payload.sub).toBe(userId);
  });

  it('removes a large deleted user’s PATs in bounded steps: inline first, then the maintenance function', async () => {
    const userId = await service.newUser();
    const pats = await createPats(userId, 450, 'big');
    await service.client.users.delete(userId);
    for (const pat of sample(pats, 10)) await expectRefused(pat);
    const left = (await itemsOfUser(userId)).filter((item) => String(item.sk).startsWith('PAT#'));
    // 200 went with the request; the rest (and their lookups) wait for the maintenance function.
    expect(left).toHaveLength(250);
    expect((await service.runMaintenance()).purgesCompleted).toBeGreaterThanOrEqual(1);
    expect((await itemsOfUser(userId)).map((item) => item.sk)).toEqual([]);
  }, 60_000);
});

describe('migration of data from before users were registered', () => {
  it('registers the owners of legacy PATs (keeping a legacy suspension) so their PATs keep working', async () => {
    const active = service.newUserId();
    const suspended = service.newUserId();
    const legacyPat = async (userId: string, name: string) => {
      const value = generatePatValue();
      const tokenHash = hashPatValue(value);
      const createdAt = Date.now() - 86_400_000;
      const common = { userId, name, expiresAt: null, scopes: null };
      await table.send(
        new PutCommand({
          TableName: service.config.tableName,
          Item: { ...keys.pat(userId, name), ...common, tokenHash, createdAt, lastUsedAt: null },
        }),
      );
      await table.send(
        new PutCommand({
          TableName: service.config.tableName,
          Item: { ...keys.patHash(tokenHash), ...common, suspended: false, userVersion: 0 },
        }),
      );
      return value;
    };
    const activePat = await legacyPat(active, 'legacy');
    const suspendedPat = await legacyPat(suspended, 'legacy');
    await table.send(
      new PutCommand({
        TableName: service.config.tableName,
        Item: { ...keys.user(suspended), userId: suspended, isSuspended: true, version: 1 },
      }),
    );

    // Before the migration, an owner that isn't registered can't exchange.
    await expectRefused(activePat);
    // The migration ran when the service started; make it run again, as a first deploy of this version would.
    await table.send(
      new DeleteCommand({ TableName: service.config.tableName, Key: { pk: 'MIGRATION#users-v1', sk: 'MIGRATION' } }),
    );
    const report = await service.runMaintenance();
    expect(report.migratedUsers).toBeGreaterThanOrEqual(2);
    expect((await service.runMaintenance()).migratedUsers).toBe('already done');

    await expectAccepted(activePat);
    await expectRefused(suspendedPat);
    expect(await service.client.users.get(suspended)).toMatchObject({ id: suspended, isSuspended: true });
    expect((await service.client.pats.list(active)).map((pat) => pat.name)).toEqual(['legacy']);
    await service.client.users.setSuspended(suspended, false);
    await expectAccepted(suspendedPat);
  });
});
