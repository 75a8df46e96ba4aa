import { startTestService, type TestService } from './harness/service';
import { scanItems } from './support/table-invariants';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;

describe('create', () => {
  it('returns the value once, Logto-shaped, and lists it without the value', async () => {
    const userId = await service.newUser();
    const expiresAt = Date.now() + 86_400_000;
    const response = await service.client.raw('POST', patsPath(userId), {
      name: 'deploy',
      expiresAt,
      scopes: ['openid'],
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = response.json as Record<string, unknown>;
    expect(created).toEqual({
      userId,
      name: 'deploy',
      value: expect.stringMatching(/^pat_[0-9A-Za-z]{38}$/),
      createdAt: expect.any(Number),
      expiresAt,
      scopes: ['openid'],
    });

    const list = await service.client.raw('GET', patsPath(userId));
    expect(list.status).toBe(200);
    expect(list.json).toEqual([
      {
        userId,
        name: 'deploy',
        createdAt: created.createdAt,
        expiresAt,
        scopes: ['openid'],
        lastUsedAt: null,
        lastClientId: null,
        lastSourceIp: null,
        rotatedAt: null,
        revokedAt: null,
        revokedReason: null,
      },
    ]);
    expect(list.text).not.toContain(created.value as string);
  });

  it('rejects a duplicate name with 422 user.personal_access_token_name_exists', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'dup' });
    const response = await service.client.raw('POST', patsPath(userId), { name: 'dup' });
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({
      code: 'user.personal_access_token_name_exists',
      message: expect.any(String),
    });
    // Another user may use the same name.
    expect((await service.client.raw('POST', patsPath(await service.newUser()), { name: 'dup' })).status).toBe(201);
  });

  it.each([
    ['an empty name', { name: '' }],
    ['a 257-character name', { name: 'x'.repeat(257) }],
    ['a name with control characters', { name: 'a\u0007b' }],
    ['expiresAt as a string', { name: 'n', expiresAt: '2030-01-01' }],
    ['expiresAt not an integer', { name: 'n', expiresAt: Date.now() + 1000.5 }],
    ['unknown fields', { name: 'n', admin: true }],
    ['scopes that are not scope tokens', { name: 'n', scopes: ['a b'] }],
  ])('rejects %s with 400 guard.invalid_input', async (_label, body) => {
    const response = await service.client.raw('POST', patsPath(await service.newUser()), body);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'guard.invalid_input', message: expect.any(String) });
  });

  it("rejects expiresAt in the past with Logto's 400 request.invalid_input", async () => {
    const response = await service.client.raw('POST', patsPath(await service.newUser()), {
      name: 'n',
      expiresAt: Date.now() - 1000,
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'request.invalid_input', message: expect.any(String) });
  });

  it("answers Logto's 404s for a user that isn't registered", async () => {
    const stranger = service.newUserId();
    const create = await service.client.raw('POST', patsPath(stranger), { name: 'n' });
    expect(create.status).toBe(404);
    expect(create.json).toMatchObject({ code: 'entity.relation_foreign_key_not_found' });
    const list = await service.client.raw('GET', patsPath(stranger));
    expect(list.status).toBe(404);
    expect(list.json).toMatchObject({ code: 'entity.not_found' });
  });

  it('accepts 256-character unicode names and null expiry, and returns them byte-identical', async () => {
    const userId = await service.newUser();
    const name = '🔑'.repeat(256);
    const created = await service.client.pats.create(userId, { name, expiresAt: null });
    expect(created.name).toBe(name);
    expect(created.expiresAt).toBeNull();
    expect((await service.client.pats.list(userId))[0]!.name).toBe(name);
  });

  it('rejects bad JSON and invalid user ids', async () => {
    const badJson = await service.client.raw('POST', patsPath(await service.newUser()), '{"name":', {});
    expect(badJson.status).toBe(400);
    expect(badJson.json).toMatchObject({ code: 'guard.invalid_input' });
    const badUser = await service.client.raw('POST', patsPath('bad user!'), { name: 'x' });
    expect(badUser.status).toBe(400);
  });

  it('lets exactly one of many concurrent creates of one name win', async () => {
    const userId = await service.newUser();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => service.client.raw('POST', patsPath(userId), { name: 'race' })),
    ).then((responses) => responses.map((response) => response.status));
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 422)).toHaveLength(19);
    expect(await service.client.pats.list(userId)).toHaveLength(1);
  });
});

describe('rename and delete', () => {
  it('renames through the body form and the path form; the PAT keeps working', async () => {
    const userId = await service.newUser();
    const { value } = await service.client.pats.create(userId, { name: 'old' });
    const renamed = await service.client.raw('PATCH', patsPath(userId), { currentName: 'old', name: 'new/name %' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ userId, name: 'new/name %' });

    const byPath = await service.client.raw('PATCH', `${patsPath(userId)}/${encodeURIComponent('new/name %')}`, {
      name: 'final',
    });
    expect(byPath.status).toBe(200);
    expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['final']);

    const { clientId, clientSecret } = service.config.demoApplication;
    const exchange = await service.client.exchange({ pat: value, clientId, clientSecret });
    expect(exchange.status).toBe(200);
  });

  it('answers 404 for an unknown PAT and 422 for a taken name', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'a' });
    await service.client.pats.create(userId, { name: 'b' });
    expect((await service.client.raw('PATCH', patsPath(userId), { currentName: 'zz', name: 'c' })).status).toBe(404);
    const taken = await service.client.raw('PATCH', patsPath(userId), { currentName: 'a', name: 'b' });
    expect(taken.status).toBe(422);
    expect(taken.json).toMatchObject({ code: 'user.personal_access_token_name_exists' });
  });

  it('deletes through POST .../delete and DELETE .../{name}', async () => {
    const userId = await service.newUser();
    await service.client.pats.create(userId, { name: 'one' });
    await service.client.pats.create(userId, { name: 'two words' });
    expect((await service.client.raw('POST', `${patsPath(userId)}/delete`, { name: 'one' })).status).toBe(204);
    expect((await service.client.raw('DELETE', `${patsPath(userId)}/two%20words`)).status).toBe(204);
    expect((await service.client.raw('DELETE', `${patsPath(userId)}/two%20words`)).status).toBe(404);
    expect((await service.client.raw('POST', `${patsPath(userId)}/delete`, { name: 'one' })).status).toBe(404);
    expect(await service.client.pats.list(userId)).toEqual([]);
  });

  it('revokes all PATs of a user, and only theirs', async () => {
    const userId = await service.newUser();
    const bystander = await service.newUser();
    await Promise.all(['a', 'b', 'c'].map((name) => service.client.pats.create(userId, { name })));
    await service.client.pats.create(bystander, { name: 'a' });
    expect((await service.client.raw('DELETE', patsPath(userId))).status).toBe(204);
    expect(await service.client.pats.list(userId)).toEqual([]);
    expect(await service.client.pats.list(bystander)).toHaveLength(1);
  });
});

describe('storage', () => {
  it('never stores a PAT value, and keeps one hash item per PAT item', async () => {
    const userId = await service.newUser();
    const values = await Promise.all(
      ['x', 'y'].map(async (name) => (await service.client.pats.create(userId, { name })).value),
    );
    const items = await scanItems(service.config.endpoints.dynamodb, service.config.tableName);
    const dump = JSON.stringify(items);
    for (const value of values) expect(dump).not.toContain(value);
    const patItems = items.filter((item) => String(item.pk).startsWith('USER#') && String(item.sk).startsWith('PAT#'));
    const hashItems = items.filter((item) => String(item.pk).startsWith('PATHASH#'));
    expect(new Set(hashItems.map((item) => String(item.pk).slice('PATHASH#'.length)))).toEqual(
      new Set(patItems.map((item) => item.tokenHash)),
    );
  });
});

describe('IAM auth', () => {
  it('rejects unsigned and wrongly signed management calls with 403 like API Gateway', async () => {
    const url = `${service.config.baseUrl}${patsPath('someone')}`;
    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });

    const { PatgateClient } = await import('../client/management-client');
    const impostor = new PatgateClient({
      endpoint: service.config.baseUrl,
      region: service.config.region,
      credentials: { accessKeyId: service.config.awsAccessKeyId, secretAccessKey: 'wrong-secret' },
    });
    const forged = await impostor.raw('GET', patsPath('someone'));
    expect(forged.status).toBe(403);
    expect(forged.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });
});
