/**
 * Logto's RBAC: resource scopes as entities, roles, users' roles, and the scopes an exchange grants
 * from them (requested ∩ the user's role scopes on the resource ∩ the PAT's limit).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AwsCallLog, sequentialRoundTrips } from '../bench/aws-calls';
import { dynamo, dynamoDb } from '../lambdas/shared/aws/dynamodb';
import { kms } from '../lambdas/shared/aws/kms';
import { keys, listPartition } from '../lambdas/shared/store/keys';
import { managementError } from './support/protocol-errors';
import { startTestService, type TestService } from './harness/service';

/** Short, so "a role change bites within CLIENT_CACHE_TTL_SECONDS" can be watched happening. */
const CACHE_TTL_SECONDS = 1;

let service: TestService;
let table: DynamoDBDocumentClient;
const awsCalls = new AwsCallLog();

beforeAll(async () => {
  service = await startTestService({ handlerEnv: { CLIENT_CACHE_TTL_SECONDS: String(CACHE_TTL_SECONDS) } });
  table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  awsCalls.instrument(dynamo());
  awsCalls.instrument(dynamoDb());
  awsCalls.instrument(kms());
});
afterAll(() => service.close());

const demo = () => service.config.demoApplication;

async function newResource(scopes: string[] = []) {
  const indicator = `https://api.example.com/${service.newUserId()}`;
  const resource = await service.client.resources.create({ name: 'API', indicator, scopes });
  return { ...resource, indicator };
}

const newRole = (scopeIds?: string[]) =>
  service.client.roles.create({ name: `role-${service.newUserId()}`, description: 'test', scopeIds });

async function grantedScope(pat: string, resource: string | undefined, scope: string) {
  const response = await service.client.exchange({
    pat,
    clientId: demo().clientId,
    clientSecret: demo().clientSecret,
    ...(resource ? { resource } : {}),
    scope,
  });
  expect(response.status).toBe(200);
  const body = response.json as { access_token: string; scope: string };
  const { payload } = await service.verify(body.access_token, resource);
  expect(payload.scope).toBe(body.scope);
  return body.scope;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('resource scopes', () => {
  it('creates, lists, renames and deletes scopes with Logto statuses and codes', async () => {
    const resource = await newResource(['read:a']);
    const [legacy] = await service.client.resources.scopes.list(resource.id);
    expect(legacy).toMatchObject({ resourceId: resource.id, name: 'read:a', description: null });

    const response = await service.client.raw('POST', `/api/resources/${resource.id}/scopes`, {
      name: 'write:a',
      description: 'Write',
    });
    expect(response.status).toBe(201);
    const scope = response.json as { id: string; name: string };
    expect(scope).toMatchObject({ resourceId: resource.id, name: 'write:a', description: 'Write' });

    expect(await managementError(service.client.resources.scopes.create(resource.id, { name: 'write:a' }))).toEqual({
      status: 422,
      code: 'scope.name_exists',
    });
    expect(await managementError(service.client.resources.scopes.create(resource.id, { name: 'has space' }))).toEqual({
      status: 400,
      code: 'scope.name_with_space',
    });
    expect(await managementError(service.client.resources.scopes.create('nothere', { name: 'x' }))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect(await service.client.resources.scopes.list('nothere')).toEqual([]);

    const renamed = await service.client.resources.scopes.update(resource.id, scope.id, { name: 'write:all' });
    expect(renamed).toMatchObject({ id: scope.id, name: 'write:all', description: 'Write' });
    expect(
      await managementError(service.client.resources.scopes.update(resource.id, scope.id, { name: 'read:a' })),
    ).toEqual({
      status: 422,
      code: 'scope.name_exists',
    });
    expect(
      await managementError(service.client.resources.scopes.update(resource.id, 'nothere', { name: 'x' })),
    ).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    // The resource keeps showing its scope names.
    expect((await service.client.resources.get(resource.id)).scopes).toEqual(['read:a', 'write:all']);

    await service.client.resources.scopes.delete(resource.id, scope.id);
    expect(await managementError(service.client.resources.scopes.delete(resource.id, scope.id))).toEqual({
      status: 404,
      code: 'entity.not_found',
    });
    expect((await service.client.resources.scopes.list(resource.id)).map((each) => each.name)).toEqual(['read:a']);
  });
});

describe('roles', () => {
  it('follows Logto: create 200, duplicate name 422, scopes 201 and role.scope_exists, 404s', async () => {
    const resource = await newResource(['read:r', 'write:r']);
    const [read, write] = await service.client.resources.scopes.list(resource.id);
    const name = `role-${service.newUserId()}`;
    const response = await service.client.raw('POST', '/api/roles', {
      name,
      description: 'Readers',
      scopeIds: [read!.id],
    });
    expect(response.status).toBe(200);
    const role = response.json as { id: string };
    expect(role).toMatchObject({ name, description: 'Readers', type: 'User', isDefault: false });
    expect(await managementError(service.client.roles.create({ name, description: 'again' }))).toEqual({
      status: 422,
      code: 'role.name_in_use',
    });
    expect(
      await managementError(service.client.roles.create({ name: `${name}-x`, description: 'd', scopeIds: ['nope'] })),
    ).toEqual({ status: 404, code: 'entity.not_exists_with_id' });

    const added = await service.client.raw('POST', `/api/roles/${role.id}/scopes`, { scopeIds: [write!.id] });
    expect(added.status).toBe(201);
    expect((added.json as { name: string }[]).map((scope) => scope.name).sort()).toEqual(['read:r', 'write:r']);
    expect(await managementError(service.client.roles.addScopes(role.id, [write!.id]))).toEqual({
      status: 422,
      code: 'role.scope_exists',
    });
    const withResources = await service.client.roles.scopes(role.id);
    expect(withResources.map((scope) => scope.resource.indicator)).toEqual([resource.indicator, resource.indicator]);

    await service.client.roles.removeScope(role.id, write!.id);
    expect(await managementError(service.client.roles.removeScope(role.id, write!.id))).toEqual({
      status: 404,
      code: 'entity.not_found',
    });

    // Renaming frees the old name and claims the new one.
    const renamed = await service.client.roles.update(role.id, { name: `${name}-renamed` });
    expect(renamed.name).toBe(`${name}-renamed`);
    await service.client.roles.create({ name, description: 'the freed name' });
    expect(await managementError(service.client.roles.update(role.id, { name }))).toEqual({
      status: 422,
      code: 'role.name_in_use',
    });

    expect((await service.client.roles.list()).some((each) => each.id === role.id)).toBe(true);
    await service.client.roles.delete(role.id);
    expect(await managementError(service.client.roles.get(role.id))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect(await managementError(service.client.roles.delete(role.id))).toMatchObject({ status: 404 });
  });

  it("assigns a user's roles: 201 {roleIds, addedRoleIds}, list, remove, 404s", async () => {
    const userId = await service.newUser();
    const [first, second] = [await newRole(), await newRole()];
    expect(await service.client.roles.assign(userId, [first.id])).toEqual({
      roleIds: [first.id],
      addedRoleIds: [first.id],
    });
    const response = await service.client.raw('POST', `/api/users/${userId}/roles`, {
      roleIds: [first.id, second.id],
    });
    expect(response.status).toBe(201);
    expect(response.json).toEqual({ roleIds: [first.id, second.id], addedRoleIds: [second.id] });
    expect((await service.client.roles.ofUser(userId)).map((role) => role.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );

    expect(await managementError(service.client.roles.assign(userId, ['nothere']))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect(await managementError(service.client.roles.assign(service.newUserId(), [first.id]))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    await service.client.roles.unassign(userId, first.id);
    expect(await managementError(service.client.roles.unassign(userId, first.id))).toEqual({
      status: 404,
      code: 'entity.not_found',
    });
    // A deleted role no longer lists.
    await service.client.roles.delete(second.id);
    expect(await service.client.roles.ofUser(userId)).toEqual([]);
  });
});

describe('exchange with roles', () => {
  it("grants requested ∩ the user's role scopes on the resource ∩ the PAT's limit", async () => {
    const resource = await newResource(['read:x', 'write:x', 'admin:x']);
    const other = await newResource(['read:x']);
    const scopes = await service.client.resources.scopes.list(resource.id);
    const [otherRead] = await service.client.resources.scopes.list(other.id);
    const id = (name: string) => scopes.find((scope) => scope.name === name)!.id;
    const userId = await service.newUser();
    const pat = (await service.client.pats.create(userId, { name: 'all' })).value;
    const limited = (await service.client.pats.create(userId, { name: 'ro', scopes: ['read:x', 'openid'] })).value;

    // No role: nothing of the resource.
    expect(await grantedScope(pat, resource.indicator, 'read:x write:x')).toBe('');
    const role = await newRole([id('read:x'), id('write:x'), otherRead!.id]);
    await service.client.roles.assign(userId, [role.id]);
    expect(await grantedScope(pat, resource.indicator, 'read:x write:x admin:x openid')).toBe('read:x write:x');
    expect(await grantedScope(limited, resource.indicator, 'read:x write:x')).toBe('read:x');
    // Without a resource: OpenID Connect scopes only, roles or not.
    expect(await grantedScope(limited, undefined, 'openid read:x profile')).toBe('openid');
  });

  it('bites at once when a role is taken from the user, and within the cache TTL when a role changes', async () => {
    const resource = await newResource(['read:y', 'write:y']);
    const [read, write] = await service.client.resources.scopes.list(resource.id);
    const userId = await service.newUser();
    const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
    const role = await newRole([read!.id]);
    await service.client.roles.assign(userId, [role.id]);
    expect(await grantedScope(pat, resource.indicator, 'read:y write:y')).toBe('read:y');

    await service.client.roles.unassign(userId, role.id);
    expect(await grantedScope(pat, resource.indicator, 'read:y write:y')).toBe('');
    await service.client.roles.assign(userId, [role.id]);
    expect(await grantedScope(pat, resource.indicator, 'read:y write:y')).toBe('read:y');

    await service.client.roles.addScopes(role.id, [write!.id]);
    const deadline = Date.now() + CACHE_TTL_SECONDS * 1000 + 2000;
    let scope = '';
    while (Date.now() < deadline && scope !== 'read:y write:y') {
      scope = await grantedScope(pat, resource.indicator, 'read:y write:y');
      await sleep(100);
    }
    expect(scope).toBe('read:y write:y');

    await service.client.roles.delete(role.id);
    await sleep(CACHE_TTL_SECONDS * 1000 + 100);
    await grantedScope(pat, resource.indicator, 'read:y'); // starts the background refresh
    await sleep(200);
    expect(await grantedScope(pat, resource.indicator, 'read:y write:y')).toBe('');
  });

  it('never carries the scopes of a role removed while exchanges run (race)', async () => {
    const resource = await newResource(['read:z']);
    const [read] = await service.client.resources.scopes.list(resource.id);
    const userId = await service.newUser();
    const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
    const role = await newRole([read!.id]);
    await service.client.roles.assign(userId, [role.id]);
    expect(await grantedScope(pat, resource.indicator, 'read:z')).toBe('read:z');

    let removedAt = Infinity;
    const exchanges = Array.from({ length: 12 }, async (_, i) => {
      await sleep(i * 15);
      const startedAt = Date.now();
      return { startedAt, scope: await grantedScope(pat, resource.indicator, 'read:z') };
    });
    await sleep(60);
    await service.client.roles.unassign(userId, role.id);
    removedAt = Date.now();
    const results = await Promise.all(exchanges);
    for (const result of results.filter((each) => each.startedAt > removedAt)) expect(result.scope).toBe('');
    expect(await grantedScope(pat, resource.indicator, 'read:z')).toBe('');
  });

  it('gives a user registered again under a deleted id none of the old roles', async () => {
    const resource = await newResource(['read:w']);
    const [read] = await service.client.resources.scopes.list(resource.id);
    const userId = await service.newUser();
    await service.client.roles.assign(userId, [(await newRole([read!.id])).id]);
    await service.client.users.delete(userId);
    await sleep(5); // a new createdAt
    await service.client.users.create({ id: userId });
    expect(await service.client.roles.ofUser(userId)).toEqual([]);
    const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
    expect(await grantedScope(pat, resource.indicator, 'read:w')).toBe('');
  });

  it('stays at two sequential AWS round trips once warm, with roles in play', async () => {
    const resource = await newResource(['read:v']);
    const [read] = await service.client.resources.scopes.list(resource.id);
    const userId = await service.newUser();
    const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
    await service.client.roles.assign(userId, [(await newRole([read!.id])).id]);
    await sleep(CACHE_TTL_SECONDS * 1000 + 100);
    await grantedScope(pat, resource.indicator, 'read:v'); // warms this user's role ids and the caches
    await sleep(200);
    await grantedScope(pat, resource.indicator, 'read:v');

    awsCalls.calls.length = 0;
    expect(await grantedScope(pat, resource.indicator, 'read:v')).toBe('read:v');
    const calls = [...awsCalls.calls];
    // The PAT lookup; then the user and the user's roles in one BatchGetItem, beside Sign (last-used was written
    // by the warm-up, and is written at most once per LAST_USED_INTERVAL_SECONDS).
    expect(calls.map((call) => call.label).sort()).toEqual(
      ['DynamoDB GetItem PATHASH', 'DynamoDB BatchGetItem USER USERROLES', 'KMS Sign'].sort(),
    );
    expect(sequentialRoundTrips(calls)).toBe(2);
  });
});

describe("a user's first exchange on a container", () => {
  async function setting() {
    const resource = await newResource(['read:f', 'write:f']);
    const [read] = await service.client.resources.scopes.list(resource.id);
    const role = await newRole([read!.id]);
    // Warms the caches: a user holding the new role makes the cached role definitions load it.
    expect(await grantedScope((await patOfNewUser([role.id])).pat, resource.indicator, 'read:f')).toBe('read:f');
    return { resource, role };
  }
  async function patOfNewUser(roleIds: string[]) {
    const userId = await service.newUser();
    if (roleIds.length > 0) await service.client.roles.assign(userId, roleIds);
    return { userId, pat: (await service.client.pats.create(userId, { name: 'first' })).value };
  }
  const signs = () => awsCalls.calls.filter((call) => call.label === 'KMS Sign').length;

  it('takes no extra round trip when the user holds the roles granting what they ask for', async () => {
    const { resource, role } = await setting();
    const { pat } = await patOfNewUser([role.id]);
    awsCalls.calls.length = 0;
    expect(await grantedScope(pat, resource.indicator, 'read:f write:f')).toBe('read:f');
    expect(signs()).toBe(1);
    expect(sequentialRoundTrips([...awsCalls.calls])).toBe(2);
  });

  it('signs again, never granting the guess, when the user holds no such role', async () => {
    const { resource } = await setting();
    const { pat } = await patOfNewUser([]);
    awsCalls.calls.length = 0;
    expect(await grantedScope(pat, resource.indicator, 'read:f')).toBe('');
    expect(signs()).toBe(2);
  });
});

describe('migration of resources with plain scope lists', () => {
  it('reads them as scope entities with stable ids, which roles can grant, and keeps them when scopes are added', async () => {
    const id = `legacy${Date.now()}`;
    const indicator = `https://legacy.example.com/${id}`;
    const legacy = { id, name: 'Legacy', indicator, accessTokenTtl: null, scopes: ['read:l', 'write:l'], createdAt: 1 };
    await table.send(
      new PutCommand({
        TableName: service.config.tableName,
        Item: { ...keys.resource(id), gsi1pk: listPartition.resource, gsi1sk: `1#${id}`, ...legacy },
      }),
    );
    await table.send(
      new PutCommand({
        TableName: service.config.tableName,
        Item: { ...keys.resourceByIndicator(indicator), ...legacy },
      }),
    );

    const before = await service.client.resources.scopes.list(id);
    expect(before.map((scope) => scope.name)).toEqual(['read:l', 'write:l']);
    expect(await service.client.resources.scopes.list(id)).toEqual(before);
    expect((await service.client.resources.get(id)).scopes).toEqual(['read:l', 'write:l']);

    const userId = await service.newUser();
    const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
    await service.client.roles.assign(userId, [(await newRole([before[0]!.id])).id]);
    expect(await grantedScope(pat, indicator, 'read:l write:l')).toBe('read:l');

    // The first scope write stores the entities: the same ids, plus the new one, in both copies.
    await service.client.resources.scopes.create(id, { name: 'admin:l' });
    const after = await service.client.resources.scopes.list(id);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after.map((scope) => scope.name)).toEqual(['read:l', 'write:l', 'admin:l']);
    await sleep(CACHE_TTL_SECONDS * 1000 + 100);
    await grantedScope(pat, indicator, 'read:l');
    await sleep(200);
    expect(await grantedScope(pat, indicator, 'read:l write:l')).toBe('read:l');
  });
});

describe('hostile bodies', () => {
  it('answers every new route with a 4xx {code, message}, never a 5xx', async () => {
    const resource = await newResource(['read:h']);
    const [scope] = await service.client.resources.scopes.list(resource.id);
    const role = await newRole();
    const userId = await service.newUser();
    const bodies: unknown[] = [
      null,
      [],
      'text',
      42,
      {},
      { name: '' },
      { name: 'a'.repeat(10_000) },
      { name: 'ok', extra: true },
      { name: ['x'] },
      { name: 'ok', description: 7 },
      { scopeIds: [] },
      { scopeIds: ['../x'] },
      { scopeIds: 'x' },
      { scopeIds: ['a', 'a'] },
      { roleIds: [] },
      { roleIds: [{}] },
      { roleIds: Array.from({ length: 101 }, (_, i) => `r${i}`) },
      { name: 'n', description: '', isDefault: 'yes' },
      { name: 'n', description: 'd', type: 'MachineToMachine' },
      { __proto__: { polluted: true }, name: 'n' },
    ];
    const routes: [string, string][] = [
      ['POST', `/api/resources/${resource.id}/scopes`],
      ['PATCH', `/api/resources/${resource.id}/scopes/${scope!.id}`],
      ['POST', '/api/roles'],
      ['PATCH', `/api/roles/${role.id}`],
      ['POST', `/api/roles/${role.id}/scopes`],
      ['POST', `/api/users/${userId}/roles`],
    ];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const response = await service.client.raw(method, path, body);
        if (response.status < 300) continue; // e.g. PATCH {} changes nothing, as in Logto
        expect({ method, path, body, status: response.status < 500 && response.status >= 400 }).toEqual({
          method,
          path,
          body,
          status: true,
        });
        expect(response.json).toEqual(
          expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
        );
      }
      const invalidJson = await service.client.raw(method, path, undefined, {});
      expect(invalidJson.status).toBeLessThan(500);
    }
    for (const [method, path] of [
      ['GET', '/api/resources/..%2F/scopes'],
      ['DELETE', `/api/resources/${resource.id}/scopes/%ZZ`],
      ['GET', '/api/roles/%F0'],
      ['DELETE', `/api/roles/${role.id}/scopes/${'x'.repeat(65)}`],
      ['GET', `/api/users/${'bad user'}/roles`],
      ['DELETE', `/api/users/${userId}/roles/%00`],
    ] as const) {
      const response = await service.client.raw(method, path);
      expect({ path, status: response.status >= 400 && response.status < 500 }).toEqual({ path, status: true });
    }
  });
});
