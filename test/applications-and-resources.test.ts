import { startTestService, type TestService } from './harness/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

describe('applications', () => {
  it('creates confidential apps with a one-time secret and public apps without', async () => {
    const m2m = await service.client.raw('POST', '/api/applications', {
      name: 'ci',
      type: 'MachineToMachine',
      customClientMetadata: { allowTokenExchange: true },
    });
    expect(m2m.status).toBe(201);
    expect(m2m.headers.get('cache-control')).toBe('no-store');
    const created = m2m.json as { id: string; secret: string };
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[a-z0-9]{21}$/),
      secret: expect.stringMatching(/^[0-9A-Za-z]{32}$/),
      type: 'MachineToMachine',
      isConfidential: true,
      customClientMetadata: { allowTokenExchange: true },
    });
    const fetched = await service.client.raw('GET', `/api/applications/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.json).not.toHaveProperty('secret');
    expect(fetched.text).not.toContain(created.secret);

    const spa = await service.client.applications.create({ name: 'spa', type: 'SPA' });
    expect(spa.secret).toBeUndefined();
    expect(spa.isConfidential).toBe(false);

    const ids = (await service.client.applications.list()).map((app) => app.id);
    expect(ids).toEqual(expect.arrayContaining([created.id, spa.id]));
  });

  it('toggles allowTokenExchange and deletes', async () => {
    const app = await service.client.applications.create({ name: 'toggle', type: 'Traditional' });
    const updated = await service.client.applications.setTokenExchange(app.id, true);
    expect(updated.customClientMetadata.allowTokenExchange).toBe(true);
    expect((await service.client.raw('DELETE', `/api/applications/${app.id}`)).status).toBe(204);
    expect((await service.client.raw('GET', `/api/applications/${app.id}`)).status).toBe(404);
    expect((await service.client.raw('DELETE', `/api/applications/${app.id}`)).status).toBe(404);
    expect((await service.client.raw('PATCH', `/api/applications/${app.id}`, { name: 'x' })).status).toBe(404);
  });

  it('validates input', async () => {
    for (const body of [{ name: 'x', type: 'Robot' }, { type: 'SPA' }, { name: 'x', type: 'SPA', extra: 1 }]) {
      const response = await service.client.raw('POST', '/api/applications', body);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'guard.invalid_input' });
    }
  });
});

describe('API resources', () => {
  it('creates, gets, lists and deletes; indicators are unique', async () => {
    const indicator = `https://api.example.com/${service.newUserId()}`;
    const created = await service.client.raw('POST', '/api/resources', {
      name: 'Orders',
      indicator,
      accessTokenTtl: 900,
      scopes: ['orders:read'],
    });
    expect(created.status).toBe(201);
    const resource = created.json as { id: string };
    expect(resource).toMatchObject({ name: 'Orders', indicator, accessTokenTtl: 900, scopes: ['orders:read'] });
    expect((await service.client.raw('GET', `/api/resources/${resource.id}`)).json).toEqual(created.json);
    expect((await service.client.resources.list()).map((r) => r.id)).toContain(resource.id);

    const duplicate = await service.client.raw('POST', '/api/resources', { name: 'Again', indicator });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json).toMatchObject({ code: 'resource.indicator_exists' });

    expect((await service.client.raw('DELETE', `/api/resources/${resource.id}`)).status).toBe(204);
    expect((await service.client.raw('GET', `/api/resources/${resource.id}`)).status).toBe(404);
    // Once deleted, the indicator can be registered again.
    expect((await service.client.raw('POST', '/api/resources', { name: 'Again', indicator })).status).toBe(201);
  });

  it('rejects relative indicators, fragments and out-of-range TTLs', async () => {
    for (const body of [
      { name: 'x', indicator: '/relative' },
      { name: 'x', indicator: 'https://a.example/#f' },
      { name: 'x', indicator: 'https://a.example/', accessTokenTtl: 5 },
    ]) {
      const response = await service.client.raw('POST', '/api/resources', body);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'guard.invalid_input' });
    }
  });
});
