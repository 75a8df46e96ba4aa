/**
 * Logto's organizations: management (organizations, members, members' roles, organization scopes and roles)
 * and organization tokens at the exchange (`organization_id`: members only, scopes from organization roles).
 */
import { AwsCallLog, sequentialRoundTrips } from '../bench/aws-calls';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, dynamoDb } from '../lambdas/shared/aws/dynamodb';
import { kms } from '../lambdas/shared/aws/kms';
import { managementError } from './support/protocol-errors';
import { startTestService, type TestService } from './harness/service';

let service: TestService;
const awsCalls = new AwsCallLog();

beforeAll(async () => {
  service = await startTestService();
  awsCalls.instrument(dynamo());
  awsCalls.instrument(dynamoDb());
  awsCalls.instrument(kms());
});
afterAll(() => service.close());

const demo = () => service.config.demoApplication;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = () => service.newUserId();

const exchange = (pat: string, organizationId: string, scope = 'read:org write:org', extra = {}) =>
  service.client.exchange({
    pat,
    clientId: demo().clientId,
    clientSecret: demo().clientSecret,
    organizationId,
    scope,
    ...extra,
  });

async function organizationScope(pat: string, organizationId: string, scope?: string) {
  const response = await exchange(pat, organizationId, scope);
  expect(response.status).toBe(200);
  const body = response.json as { access_token: string; scope: string };
  const { payload } = await service.verify(body.access_token, `urn:logto:organization:${organizationId}`);
  expect(payload.scope).toBe(body.scope);
  return body.scope;
}

function expectAccessDenied(response: { status: number; json: unknown }) {
  expect(response.status).toBe(403);
  expect(response.json).toMatchObject({ error: 'access_denied', code: 'oidc.access_denied' });
  expect(response.json).not.toHaveProperty('access_token');
}

/** An organization with a `member` role granting read:org, and a registered user with a PAT. */
async function fixture() {
  const organization = await service.client.organizations.create({ name: `Org ${unique()}` });
  const [read, write] = [
    await service.client.organizations.scopes.create({ name: `read:org`.replace('org', `org-${unique()}`) }),
    await service.client.organizations.scopes.create({ name: `write:org-${unique()}` }),
  ];
  const role = await service.client.organizations.roles.create({
    name: `member ${unique()}`,
    organizationScopeIds: [read.id],
  });
  const userId = await service.newUser();
  const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
  return { organization, read, write, role, userId, pat, both: `${read.name} ${write.name}` };
}

describe('management', () => {
  it('follows Logto: creates 201, members 201 {userIds}, roles 201, require_membership, unique names', async () => {
    const response = await service.client.raw('POST', '/api/organizations', { name: 'Acme', description: 'd' });
    expect(response.status).toBe(201);
    const organization = response.json as { id: string };
    expect(organization).toMatchObject({ name: 'Acme', description: 'd', customData: {} });
    expect(await service.client.organizations.update(organization.id, { customData: { tier: 'gold' } })).toMatchObject({
      name: 'Acme',
      customData: { tier: 'gold' },
    });
    expect((await service.client.organizations.list()).some((each) => each.id === organization.id)).toBe(true);

    const scopeName = `read:${unique()}`;
    const scope = await service.client.organizations.scopes.create({ name: scopeName });
    expect(await managementError(service.client.organizations.scopes.create({ name: scopeName }))).toEqual({
      status: 422,
      code: 'entity.unique_integrity_violation',
    });
    expect(await managementError(service.client.organizations.scopes.create({ name: 'a b' }))).toEqual({
      status: 400,
      code: 'scope.name_with_space',
    });
    const roleName = `admin ${unique()}`;
    const created = await service.client.raw('POST', '/api/organization-roles', { name: roleName });
    expect(created.status).toBe(201);
    const role = created.json as { id: string };
    expect(await managementError(service.client.organizations.roles.create({ name: roleName }))).toEqual({
      status: 422,
      code: 'entity.unique_integrity_violation',
    });
    const added = await service.client.raw('POST', `/api/organization-roles/${role.id}/scopes`, {
      organizationScopeIds: [scope.id],
    });
    expect(added.status).toBe(201);
    expect((await service.client.organizations.roles.scopes(role.id)).map((each) => each.id)).toEqual([scope.id]);
    expect(await managementError(service.client.organizations.roles.addScopes(role.id, ['nothere']))).toEqual({
      status: 422,
      code: 'entity.relation_foreign_key_not_found',
    });

    const userId = await service.newUser();
    expect(await managementError(service.client.organizations.memberRoles(organization.id, userId))).toEqual({
      status: 422,
      code: 'organization.require_membership',
    });
    expect(
      await managementError(service.client.organizations.assignMemberRoles(organization.id, userId, [role.id])),
    ).toEqual({
      status: 422,
      code: 'organization.require_membership',
    });
    const members = await service.client.raw('POST', `/api/organizations/${organization.id}/users`, {
      userIds: [userId],
    });
    expect(members.status).toBe(201);
    expect(members.json).toEqual({ userIds: [userId] });
    expect(
      await managementError(service.client.organizations.addMembers(organization.id, [service.newUserId()])),
    ).toEqual({
      status: 422,
      code: 'entity.relation_foreign_key_not_found',
    });
    expect(await managementError(service.client.organizations.addMembers('nothere', [userId]))).toMatchObject({
      status: 404,
    });
    const assigned = await service.client.raw('POST', `/api/organizations/${organization.id}/users/${userId}/roles`, {
      organizationRoleIds: [role.id],
    });
    expect(assigned.status).toBe(201);
    expect(assigned.json).toEqual({ organizationRoleIds: [role.id] });
    expect(await service.client.organizations.members(organization.id)).toEqual([
      expect.objectContaining({ id: userId, organizationRoles: [{ id: role.id, name: roleName }] }),
    ]);
    expect((await service.client.organizations.memberRoles(organization.id, userId)).map((each) => each.id)).toEqual([
      role.id,
    ]);
    await service.client.organizations.removeMemberRole(organization.id, userId, role.id);
    expect(await service.client.organizations.memberRoles(organization.id, userId)).toEqual([]);

    await service.client.organizations.delete(organization.id);
    expect(await managementError(service.client.organizations.get(organization.id))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect(await managementError(service.client.organizations.memberRoles(organization.id, userId))).toEqual({
      status: 422,
      code: 'organization.require_membership',
    });
  });
});

describe("a user's organizations (GET /api/users/{userId}/organizations)", () => {
  it("lists Logto's OrganizationWithRoles: the user's organizations, oldest first, each with the user's roles", async () => {
    const { organization, role, userId } = await fixture();
    const other = await service.client.organizations.create({ name: `Other ${unique()}`, customData: { a: 1 } });
    expect(await service.client.organizations.ofUser(userId)).toEqual([]);

    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.organizations.addMembers(other.id, [userId, await service.newUser()]);
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    const response = await service.client.raw('GET', `/api/users/${userId}/organizations`);
    expect(response.status).toBe(200);
    expect(response.headers.get('total-number')).toBeNull(); // unpaginated, as in Logto
    expect(response.json).toEqual([
      { ...organization, organizationRoles: [{ id: role.id, name: role.name }] },
      { ...other, organizationRoles: [] },
    ]);

    await service.client.organizations.removeMember(organization.id, userId);
    expect((await service.client.organizations.ofUser(userId)).map((each) => each.id)).toEqual([other.id]);
    await service.client.organizations.delete(other.id);
    expect(await service.client.organizations.ofUser(userId)).toEqual([]);

    expect(await managementError(service.client.organizations.ofUser(service.newUserId()))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect((await service.client.raw('GET', '/api/users/bad%20user/organizations')).status).toBe(400);
  });

  it('lists none of the memberships of an earlier user with the same id', async () => {
    const { organization, userId } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.users.delete(userId);
    await sleep(5);
    await service.client.users.create({ id: userId });
    expect(await service.client.organizations.ofUser(userId)).toEqual([]);
  });

  it('lists memberships written before this route existed once the maintenance function has indexed them', async () => {
    const { DeleteCommand, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { keys } = await import('../lambdas/shared/store/keys');
    const { organization, read, role, userId, pat } = await fixture();
    const userCreatedAt = (await service.client.users.get(userId)).createdAt;
    const table = dynamo();
    // As the previous version wrote a membership: no index attributes.
    await table.send(
      new PutCommand({
        TableName: service.config.tableName,
        Item: { ...keys.membership(organization.id, userId), userId, userCreatedAt, roleIds: [role.id], version: 1 },
      }),
    );
    // The local service's start-up run saw no memberships and marked the indexing done; an upgraded table has none.
    await table.send(
      new DeleteCommand({
        TableName: service.config.tableName,
        Key: { pk: 'MIGRATION#membership-index-v1', sk: 'MIGRATION' },
      }),
    );
    expect(await service.client.organizations.ofUser(userId)).toEqual([]);

    expect((await service.runMaintenance()).membershipsIndexed).toBe(1);
    expect(await service.client.organizations.ofUser(userId)).toEqual([
      { ...organization, organizationRoles: [{ id: role.id, name: role.name }] },
    ]);
    // The membership itself is unchanged: the member still exchanges for the organization.
    expect(await organizationScope(pat, organization.id, read.name)).toBe(read.name);
    expect(await service.client.organizations.memberRoles(organization.id, userId)).toEqual([
      expect.objectContaining({ id: role.id }),
    ]);
    // Once a run finds nothing left, the indexing marks itself done.
    expect((await service.runMaintenance()).membershipsIndexed).toBe(0);
    expect((await service.runMaintenance()).membershipsIndexed).toBe('already done');
  });
});

describe('organization tokens', () => {
  it("gives a member aud urn:logto:organization:{id} and requested ∩ its organization roles' scopes ∩ the PAT's", async () => {
    const { organization, read, write, role, userId, pat, both } = await fixture();
    expectAccessDenied(await exchange(pat, organization.id, both));

    await service.client.organizations.addMembers(organization.id, [userId]);
    expect(await organizationScope(pat, organization.id, both)).toBe('');
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    expect(await organizationScope(pat, organization.id, `${both} openid`)).toBe(read.name);
    const limited = (await service.client.pats.create(userId, { name: 'limited', scopes: [write.name] })).value;
    expect(await organizationScope(limited, organization.id, both)).toBe('');
  });

  it('refuses a non-member, an unknown organization, and organization_id with a resource or a bad id', async () => {
    const { organization, pat } = await fixture();
    expectAccessDenied(await exchange(pat, organization.id));
    expectAccessDenied(await exchange(pat, 'doesnotexist'));
    const withResource = await exchange(pat, organization.id, undefined, { resource: 'https://api.example.com/x' });
    expect(withResource.status).toBe(400);
    expect(withResource.json).toMatchObject({ error: 'invalid_request' });
    const badId = await exchange(pat, 'not/an id');
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject({ error: 'invalid_request' });
  });

  it("bites at once when a member, or a member's role, is removed, or the organization deleted", async () => {
    const { organization, read, role, userId, pat, both } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    expect(await organizationScope(pat, organization.id, both)).toBe(read.name);

    await service.client.organizations.removeMemberRole(organization.id, userId, role.id);
    expect(await organizationScope(pat, organization.id, both)).toBe('');
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    expect(await organizationScope(pat, organization.id, both)).toBe(read.name);

    await service.client.organizations.removeMember(organization.id, userId);
    expectAccessDenied(await exchange(pat, organization.id));
    await service.client.organizations.addMembers(organization.id, [userId]);
    expect(await organizationScope(pat, organization.id, both)).toBe(''); // a new membership has no roles

    await service.client.organizations.delete(organization.id);
    expectAccessDenied(await exchange(pat, organization.id));
  });

  it('never issues a token to a member removed while exchanges run (race)', async () => {
    const { organization, role, userId, pat } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    let removedAt = Infinity;
    const runs = Array.from({ length: 12 }, async (_, i) => {
      await sleep(i * 15);
      const startedAt = Date.now();
      return { startedAt, response: await exchange(pat, organization.id) };
    });
    await sleep(60);
    await service.client.organizations.removeMember(organization.id, userId);
    removedAt = Date.now();
    const results = await Promise.all(runs);
    for (const { startedAt, response } of results) {
      if (startedAt > removedAt) expectAccessDenied(response);
      else expect([200, 403]).toContain(response.status);
    }
    expectAccessDenied(await exchange(pat, organization.id));
  });

  it('gives a user registered again under a deleted id none of the old memberships', async () => {
    const { organization, userId } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.users.delete(userId);
    await sleep(5);
    await service.client.users.create({ id: userId });
    const pat = (await service.client.pats.create(userId, { name: 'again' })).value;
    expectAccessDenied(await exchange(pat, organization.id));
    expect(await service.client.organizations.members(organization.id)).toEqual([]);
  });

  it('stays at two sequential AWS round trips once warm', async () => {
    const { organization, read, role, userId, pat, both } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    await organizationScope(pat, organization.id, both);
    awsCalls.calls.length = 0;
    expect(await organizationScope(pat, organization.id, both)).toBe(read.name);
    const calls = [...awsCalls.calls];
    expect(calls.map((call) => call.label).sort()).toEqual(
      // The PAT, then its owner, membership and organization (a deleted one's memberships grant nothing) in one
      // BatchGetItem beside Sign.
      ['DynamoDB GetItem PATHASH', 'DynamoDB BatchGetItem USER ORGMEMBER ORG', 'KMS Sign'].sort(),
    );
    expect(sequentialRoundTrips(calls)).toBe(2);
  });
});

describe('deleting an organization', () => {
  const memberships = async (organizationId: string) =>
    (
      await dynamo().send(
        new QueryCommand({
          TableName: service.config.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `ORGMEMBER#${organizationId}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const purgeMarker = async (organizationId: string) =>
    (
      await dynamo().send(
        new GetCommand({
          TableName: service.config.tableName,
          Key: { pk: `ORG#${organizationId}`, sk: 'PURGE' },
          ConsistentRead: true,
        }),
      )
    ).Item;

  it('issues no token through memberships a deletion left behind (interrupted half-way)', async () => {
    const { organization, role, userId, pat, read, both } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    await service.client.organizations.assignMemberRoles(organization.id, userId, [role.id]);
    expect(await organizationScope(pat, organization.id, both)).toBe(read.name);
    // What a deletion that stopped after its transaction leaves: no organization item, the memberships still there.
    await dynamo().send(
      new DeleteCommand({ TableName: service.config.tableName, Key: { pk: `ORG#${organization.id}`, sk: 'ORG' } }),
    );
    expect(await memberships(organization.id)).toHaveLength(1);
    expectAccessDenied(await exchange(pat, organization.id));
    expect((await service.client.organizations.ofUser(userId)).map((each) => each.id)).not.toContain(organization.id);
  });

  it('removes up to 100 memberships inline and leaves the rest to the maintenance function, bounded', async () => {
    const { organization, userId, pat } = await fixture();
    const userIds = [userId, ...(await Promise.all(Array.from({ length: 129 }, () => service.newUser())))];
    for (let i = 0; i < userIds.length; i += 40) {
      await service.client.organizations.addMembers(organization.id, userIds.slice(i, i + 40));
    }
    expect(await memberships(organization.id)).toHaveLength(130);

    await service.client.organizations.delete(organization.id);
    expectAccessDenied(await exchange(pat, organization.id));
    expect(await memberships(organization.id)).toHaveLength(30);
    expect(await purgeMarker(organization.id)).toMatchObject({ gsi1pk: 'ORGPURGE', organizationId: organization.id });

    const report = await service.runMaintenance();
    expect(report.organizationPurges.pending).toBe(0);
    expect(await memberships(organization.id)).toEqual([]);
    expect(await purgeMarker(organization.id)).toBeUndefined();
  });
});

describe('hostile bodies', () => {
  it('answers every new organization route with a 4xx {code, message}, never a 5xx', async () => {
    const { organization, role, userId, read } = await fixture();
    await service.client.organizations.addMembers(organization.id, [userId]);
    const bodies: unknown[] = [
      null,
      [],
      'text',
      {},
      { name: '' },
      { name: 'x'.repeat(10_000) },
      { name: 'ok', extra: 1 },
      { name: 5 },
      { customData: 'x' },
      { userIds: [] },
      { userIds: ['bad user'] },
      { userIds: ['..'] },
      { organizationRoleIds: [] },
      { organizationRoleIds: ['a', 'a'] },
      { organizationScopeIds: [{}] },
      { organizationScopeIds: Array.from({ length: 101 }, (_, i) => `s${i}`) },
    ];
    const routes: [string, string][] = [
      ['POST', '/api/organizations'],
      ['PATCH', `/api/organizations/${organization.id}`],
      ['POST', `/api/organizations/${organization.id}/users`],
      ['POST', `/api/organizations/${organization.id}/users/${userId}/roles`],
      ['POST', '/api/organization-scopes'],
      ['PATCH', `/api/organization-scopes/${read.id}`],
      ['POST', '/api/organization-roles'],
      ['PATCH', `/api/organization-roles/${role.id}`],
      ['POST', `/api/organization-roles/${role.id}/scopes`],
      ['PUT', `/api/organizations/${organization.id}/users`],
      ['PUT', `/api/organizations/${organization.id}/users/${userId}/roles`],
      ['PUT', `/api/organization-roles/${role.id}/scopes`],
      ['PUT', `/api/users/${userId}/roles`],
    ];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const response = await service.client.raw(method, path, body);
        if (response.status < 300) continue;
        expect({ method, path, body, status: response.status >= 400 && response.status < 500 }).toEqual({
          method,
          path,
          body,
          status: true,
        });
        expect(response.json).toEqual(
          expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
        );
      }
    }
    for (const [method, path] of [
      ['GET', '/api/organizations/%ZZ'],
      ['DELETE', `/api/organizations/${organization.id}/users/bad%20user`],
      ['DELETE', `/api/organizations/${organization.id}/users/${userId}/roles/${'x'.repeat(65)}`],
      ['GET', '/api/organization-scopes/..%2F'],
      ['DELETE', `/api/organization-roles/${role.id}/scopes/%00`],
    ] as const) {
      const response = await service.client.raw(method, path);
      expect({ path, status: response.status >= 400 && response.status < 500 }).toEqual({ path, status: true });
    }
  });
});
