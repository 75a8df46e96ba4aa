/**
 * Logto's list conventions on the roles and organizations lists: `page`/`page_size` (≤ 100, else 400
 * `guard.invalid_pagination`) with `Total-Number` and `Link` headers — always, or only when asked where
 * Logto's pagination is optional — and `search` (or `q`, where Logto's newer routes use it).
 */
import { startTestService, type TestService } from './harness/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const unique = () => service.newUserId().slice(5);

async function get(path: string) {
  const response = await service.client.raw('GET', path);
  return {
    status: response.status,
    json: response.json as { id?: string; code?: string }[] & { code?: string },
    total: response.headers.get('total-number'),
    link: response.headers.get('link'),
  };
}

/** A list of exactly three matching items, paged as Logto pages it. */
async function expectAlwaysPaged(path: string, search: string) {
  const join = path.includes('?') ? '&' : '?';
  const base = `${path}${join}${search}`;
  const first = await get(`${base}&page_size=2`);
  expect(first.status).toBe(200);
  expect(first.json).toHaveLength(2);
  expect(first.total).toBe('3');
  expect(first.link).toContain('rel="next"');
  expect(first.link).toContain('page=2');
  const second = await get(`${base}&page=2&page_size=2`);
  expect(second.json).toHaveLength(1);
  expect(second.link).toContain('rel="prev"');
  expect(second.link).not.toContain('rel="next"');
  expect([...first.json, ...second.json].map((item) => item.id ?? (item as { name?: string }).name)).toHaveLength(3);
  // Without page or page_size: the first 20, still with the headers.
  const defaults = await get(base);
  expect(defaults.json).toHaveLength(3);
  expect(defaults.total).toBe('3');
  for (const bad of ['page_size=101', 'page_size=0', 'page=0', 'page=x', 'page_size=1.5']) {
    const refused = await get(`${base}&${bad}`);
    expect({ bad, status: refused.status, code: (refused.json as { code?: string }).code }).toEqual({
      bad,
      status: 400,
      code: 'guard.invalid_pagination',
    });
  }
}

describe('always paginated (Logto koaPagination())', () => {
  it('GET /api/roles: page, page_size, search on name and description, type filter', async () => {
    const tag = unique();
    for (const name of ['a', 'b', 'c']) {
      await service.client.roles.create({ name: `${tag}-${name}`, description: 'listed' });
    }
    await service.client.roles.create({
      name: `m2m-${unique()}`,
      description: `machine ${tag}`,
      type: 'MachineToMachine',
    });
    await expectAlwaysPaged('/api/roles?type=User', `search=${tag}`);
    const machines = await get(`/api/roles?type=MachineToMachine&search=${tag}`);
    expect(machines.json.map((role) => (role as { type?: string }).type)).toEqual(['MachineToMachine']);
    expect((await get(`/api/roles?search=${tag}`)).total).toBe('4');
    expect((await get('/api/roles?type=Robot')).status).toBe(400);
    expect(await service.client.roles.list({ search: tag, type: 'User' })).toHaveLength(3);
  });

  it('GET /api/users/{userId}/roles and GET /api/resources/{id}/scopes', async () => {
    const tag = unique();
    const resource = await service.client.resources.create({
      name: 'API',
      indicator: `https://api.example.com/${tag}`,
      scopes: [`read:${tag}`, `write:${tag}`, `admin:${tag}`, 'other'],
    });
    await expectAlwaysPaged(`/api/resources/${resource.id}/scopes`, `search=${tag}`);
    const userId = await service.newUser();
    const roles = [];
    for (const name of ['a', 'b', 'c', 'unrelated']) {
      roles.push(
        await service.client.roles.create({
          name: `${name === 'unrelated' ? unique() : tag}-${name}`,
          description: 'r',
        }),
      );
    }
    await service.client.roles.assign(
      userId,
      roles.map((role) => role.id),
    );
    await expectAlwaysPaged(`/api/users/${userId}/roles`, `search=${tag}`);
    expect(await service.client.roles.ofUser(userId)).toHaveLength(4);
  });

  it('GET /api/organizations, its members, organization scopes, roles and role scopes (q where Logto has it)', async () => {
    const tag = unique();
    for (const name of ['a', 'b', 'c']) await service.client.organizations.create({ name: `${tag} ${name}` });
    await service.client.organizations.create({ name: 'Unrelated' });
    await expectAlwaysPaged('/api/organizations', `q=${tag}`);

    const organization = await service.client.organizations.create({ name: 'Members' });
    const members = [];
    for (const name of ['a', 'b', 'c']) {
      const user = await service.client.users.create({ id: service.newUserId(), name: `${tag} ${name}` });
      members.push(user.id);
    }
    members.push(await service.newUser());
    await service.client.organizations.addMembers(organization.id, members);
    await expectAlwaysPaged(`/api/organizations/${organization.id}/users`, `q=${tag}`);
    expect(await service.client.organizations.members(organization.id)).toHaveLength(4);

    const scopes = [];
    for (const name of ['a', 'b', 'c']) {
      scopes.push(await service.client.organizations.scopes.create({ name: `${tag}:${name}` }));
    }
    await expectAlwaysPaged('/api/organization-scopes', `q=${tag}`);
    const role = await service.client.organizations.roles.create({
      name: `role ${tag}`,
      organizationScopeIds: scopes.map((scope) => scope.id),
    });
    await expectAlwaysPaged(`/api/organization-roles/${role.id}/scopes`, 'unused=1');
    const listed = await get('/api/organization-roles?page_size=1');
    expect(listed.json).toHaveLength(1);
    expect(Number(listed.total)).toBeGreaterThanOrEqual(1);
    expect((await get('/api/organization-roles?page_size=101')).status).toBe(400);
  });
});

describe('optionally paginated (Logto koaPagination({ isOptional: true }))', () => {
  it("GET /api/roles/{id}/scopes and a member's roles: the whole list without page or page_size, paged with", async () => {
    const tag = unique();
    const resource = await service.client.resources.create({
      name: 'API',
      indicator: `https://api.example.com/${tag}`,
      scopes: ['a', 'b', 'c'],
    });
    const scopeIds = (await service.client.resources.scopes.list(resource.id)).map((scope) => scope.id);
    const role = await service.client.roles.create({ name: `r-${tag}`, description: 'r', scopeIds });
    const whole = await get(`/api/roles/${role.id}/scopes`);
    expect(whole.json).toHaveLength(3);
    expect(whole.total).toBeNull();
    expect(whole.link).toBeNull();
    const paged = await get(`/api/roles/${role.id}/scopes?page_size=2`);
    expect(paged.json).toHaveLength(2);
    expect(paged.total).toBe('3');
    expect((await get(`/api/roles/${role.id}/scopes?search=b`)).json).toHaveLength(1);
    expect((await get(`/api/roles/${role.id}/scopes?page=0`)).status).toBe(400);

    const organization = await service.client.organizations.create({ name: 'Org' });
    const userId = await service.newUser();
    await service.client.organizations.addMembers(organization.id, [userId]);
    const roleIds = [];
    for (const name of ['a', 'b', 'c']) {
      roleIds.push((await service.client.organizations.roles.create({ name: `${tag} ${name}` })).id);
    }
    await service.client.organizations.assignMemberRoles(organization.id, userId, roleIds);
    const path = `/api/organizations/${organization.id}/users/${userId}/roles`;
    const all = await get(path);
    expect(all.json).toHaveLength(3);
    expect(all.total).toBeNull();
    const page = await get(`${path}?page=2&page_size=2`);
    expect(page.json).toHaveLength(1);
    expect(page.total).toBe('3');
    expect((await get(`${path}?page_size=1000`)).status).toBe(400);
  });
});
