/**
 * Logto's PUT "replace" routes for the assignment sets (a user's roles, an organization's members, a member's
 * organization roles, an organization role's scopes) and MachineToMachine roles: Logto's statuses and codes,
 * atomic replacement (a replacement whose condition fails writes nothing; one too big for a transaction is
 * refused whole), and replacements that bite at the next exchange.
 */
import * as organizationStore from '../lambdas/shared/store/organizations';
import { managementError } from './support/protocol-errors';
import { startTestService, type TestService } from './harness/service';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const demo = () => service.config.demoApplication;
const unique = () => service.newUserId();

/** The scope an exchange grants (status 200), or the HTTP status when it is refused. */
async function granted(pat: string, target: { resource?: string; organizationId?: string }, scope: string) {
  const response = await service.client.exchange({
    pat,
    clientId: demo().clientId,
    clientSecret: demo().clientSecret,
    scope,
    ...target,
  });
  if (response.status !== 200) return response.status;
  return (response.json as { scope: string }).scope;
}

async function userWithPat() {
  const userId = await service.newUser();
  const pat = (await service.client.pats.create(userId, { name: 'p' })).value;
  return { userId, pat };
}

async function auditEvents(action: string) {
  return (await service.client.audit.list({ action, pageSize: 100 })).events;
}

describe("PUT /api/users/{userId}/roles (a user's roles)", () => {
  it('replaces the roles: 200 with no body, and the next exchange carries only the new roles’ scopes', async () => {
    const indicator = `https://api.example.com/${unique()}`;
    const resource = await service.client.resources.create({ name: 'API', indicator, scopes: ['read', 'write'] });
    const [read, write] = await service.client.resources.scopes.list(resource.id);
    const reader = await service.client.roles.create({
      name: `reader-${unique()}`,
      description: 'r',
      scopeIds: [read!.id],
    });
    const writer = await service.client.roles.create({
      name: `writer-${unique()}`,
      description: 'w',
      scopeIds: [write!.id],
    });
    const { userId, pat } = await userWithPat();
    await service.client.roles.assign(userId, [reader.id]);
    expect(await granted(pat, { resource: indicator }, 'read write')).toBe('read');

    const response = await service.client.raw('PUT', `/api/users/${userId}/roles`, { roleIds: [writer.id, writer.id] });
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(await granted(pat, { resource: indicator }, 'read write')).toBe('write');
    expect((await service.client.roles.ofUser(userId)).map((role) => role.id)).toEqual([writer.id]);
    const [event] = (await auditEvents('user.roles_replaced')).filter((each) => each.userId === userId);
    expect(event?.details).toMatchObject({ addedRoleIds: writer.id, removedRoleIds: reader.id });

    await service.client.roles.replace(userId, []);
    expect(await granted(pat, { resource: indicator }, 'read write')).toBe('');
    expect(await service.client.roles.ofUser(userId)).toEqual([]);
  });

  it('refuses an unknown role (404) or user (404) and writes nothing', async () => {
    const role = await service.client.roles.create({ name: `kept-${unique()}`, description: 'k' });
    const { userId } = await userWithPat();
    await service.client.roles.assign(userId, [role.id]);
    expect(await managementError(service.client.roles.replace(userId, ['nosuchrole']))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect((await service.client.roles.ofUser(userId)).map((each) => each.id)).toEqual([role.id]);
    expect(await managementError(service.client.roles.replace(unique(), [role.id]))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
  });
});

describe('MachineToMachine roles', () => {
  it('takes and returns type (default User), and refuses an M2M role for a user with 422 user.invalid_role_type', async () => {
    const created = await service.client.raw('POST', '/api/roles', {
      name: `m2m-${unique()}`,
      description: 'machines',
      type: 'MachineToMachine',
    });
    expect(created.status).toBe(200);
    const machine = created.json as { id: string; type: string };
    expect(machine.type).toBe('MachineToMachine');
    expect((await service.client.roles.get(machine.id)).type).toBe('MachineToMachine');
    const human = await service.client.roles.create({ name: `human-${unique()}`, description: 'h' });
    expect(human.type).toBe('User');
    expect(
      (await service.client.raw('POST', '/api/roles', { name: 'x', description: 'x', type: 'Robot' })).status,
    ).toBe(400);

    const { userId } = await userWithPat();
    const refused = { status: 422, code: 'user.invalid_role_type' };
    expect(await managementError(service.client.roles.assign(userId, [human.id, machine.id]))).toEqual(refused);
    expect(await managementError(service.client.roles.replace(userId, [machine.id]))).toEqual(refused);
    expect(await service.client.roles.ofUser(userId)).toEqual([]);
    await service.client.roles.assign(userId, [human.id]);
    expect((await service.client.roles.ofUser(userId)).map((role) => role.id)).toEqual([human.id]);
  });
});

/** An organization with a role granting `read`, and `count` users with PATs. */
async function organizationFixture(count: number) {
  const organization = await service.client.organizations.create({ name: `Org ${unique()}` });
  const read = await service.client.organizations.scopes.create({ name: `read:${unique()}` });
  const write = await service.client.organizations.scopes.create({ name: `write:${unique()}` });
  const reader = await service.client.organizations.roles.create({
    name: `reader ${unique()}`,
    organizationScopeIds: [read.id],
  });
  const writer = await service.client.organizations.roles.create({
    name: `writer ${unique()}`,
    organizationScopeIds: [write.id],
  });
  const users = await Promise.all(Array.from({ length: count }, userWithPat));
  return { organization, read, write, reader, writer, users, both: `${read.name} ${write.name}` };
}

const memberIds = async (organizationId: string) =>
  (await service.client.organizations.members(organizationId)).map((member) => member.id).sort();

describe('PUT /api/organizations/{id}/users (members)', () => {
  it('replaces the members (204): the removed lose access at once, the kept keep their roles, the new ones join', async () => {
    const { organization, read, reader, users, both } = await organizationFixture(3);
    const [a, b, c] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    await service.client.organizations.addMembers(organization.id, [a.userId, b.userId]);
    await service.client.organizations.assignMemberRoles(organization.id, a.userId, [reader.id]);
    expect(await granted(b.pat, { organizationId: organization.id }, both)).toBe('');

    const response = await service.client.raw('PUT', `/api/organizations/${organization.id}/users`, {
      userIds: [a.userId, c.userId, c.userId],
    });
    expect(response.status).toBe(204);
    expect(await memberIds(organization.id)).toEqual([a.userId, c.userId].sort());
    expect(await granted(b.pat, { organizationId: organization.id }, both)).toBe(403);
    expect(await granted(a.pat, { organizationId: organization.id }, both)).toBe(read.name);
    expect(await granted(c.pat, { organizationId: organization.id }, both)).toBe('');
    expect((await service.client.organizations.ofUser(c.userId)).map((each) => each.id)).toEqual([organization.id]);
    expect(await service.client.organizations.ofUser(b.userId)).toEqual([]);
    const [event] = (await auditEvents('organization.members_replaced')).filter(
      (each) => each.details?.organizationId === organization.id,
    );
    expect(event?.details).toMatchObject({ addedUserIds: c.userId, removedUserIds: b.userId });

    await service.client.organizations.replaceMembers(organization.id, []);
    expect(await memberIds(organization.id)).toEqual([]);
    expect(await granted(a.pat, { organizationId: organization.id }, both)).toBe(403);
  });

  it('refuses an unknown user (422) or organization (404) and writes nothing', async () => {
    const { organization, users } = await organizationFixture(1);
    const [a] = users as [(typeof users)[0]];
    await service.client.organizations.addMembers(organization.id, [a.userId]);
    expect(await managementError(service.client.organizations.replaceMembers(organization.id, [unique()]))).toEqual({
      status: 422,
      code: 'entity.relation_foreign_key_not_found',
    });
    expect(await managementError(service.client.organizations.replaceMembers('nosuchorg', [a.userId]))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect(await memberIds(organization.id)).toEqual([a.userId]);
  });

  it('writes nothing when a condition of the transaction fails (a new member re-registered since it was read)', async () => {
    const { organization, users, both } = await organizationFixture(2);
    const [a, d] = users as [(typeof users)[0], (typeof users)[0]];
    await service.client.organizations.addMembers(organization.id, [a.userId]);
    const stale = (await service.client.users.get(d.userId)).createdAt;
    await service.client.users.delete(d.userId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await service.client.users.create({ id: d.userId });

    // The replacement removes a and adds d as read before d was registered again: d's check fails, so a stays.
    const outcome = await organizationStore.replaceMembers(
      { callerArn: 'arn:aws:iam::000000000000:user/test', sourceIp: null, requestId: null },
      organization.id,
      [{ id: d.userId, createdAt: stale }],
    );
    expect(outcome).toEqual({ status: 'user_not_found' });
    expect(await memberIds(organization.id)).toEqual([a.userId]);
    expect(await granted(a.pat, { organizationId: organization.id }, both)).toBe('');
    expect(
      (await auditEvents('organization.members_replaced')).filter(
        (each) => each.details?.organizationId === organization.id,
      ),
    ).toEqual([]);
  });

  it('refuses a replacement bigger than one transaction with 400 and writes nothing', async () => {
    const { organization, users } = await organizationFixture(1);
    const [a] = users as [(typeof users)[0]];
    await service.client.organizations.addMembers(organization.id, [a.userId]);
    // 2 + 1 removal + 2 × 49 additions = 101 actions: one more than a transaction holds.
    const newcomers = await Promise.all(Array.from({ length: 49 }, () => service.newUser()));
    const response = await service.client.raw('PUT', `/api/organizations/${organization.id}/users`, {
      userIds: newcomers,
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'guard.invalid_input', message: expect.stringMatching(/at most 100/) });
    expect(await memberIds(organization.id)).toEqual([a.userId]);
    // Keeping a makes it 2 + 98 = 100: that fits.
    await service.client.organizations.replaceMembers(organization.id, [a.userId, ...newcomers]);
    expect(await memberIds(organization.id)).toEqual([a.userId, ...newcomers].sort());
  });
});

describe("PUT /api/organizations/{id}/users/{userId}/roles (a member's roles)", () => {
  it('replaces the roles (204) and bites at the next exchange; a non-member 422, an unknown role 422', async () => {
    const { organization, read, write, reader, writer, users, both } = await organizationFixture(2);
    const [a, outsider] = users as [(typeof users)[0], (typeof users)[0]];
    await service.client.organizations.addMembers(organization.id, [a.userId]);
    await service.client.organizations.assignMemberRoles(organization.id, a.userId, [reader.id]);
    expect(await granted(a.pat, { organizationId: organization.id }, both)).toBe(read.name);

    const path = `/api/organizations/${organization.id}/users/${a.userId}/roles`;
    const response = await service.client.raw('PUT', path, { organizationRoleIds: [writer.id] });
    expect(response.status).toBe(204);
    expect(await granted(a.pat, { organizationId: organization.id }, both)).toBe(write.name);
    expect((await service.client.organizations.memberRoles(organization.id, a.userId)).map((role) => role.id)).toEqual([
      writer.id,
    ]);

    expect(
      await managementError(service.client.organizations.replaceMemberRoles(organization.id, a.userId, ['nosuchrole'])),
    ).toEqual({
      status: 422,
      code: 'entity.relation_foreign_key_not_found',
    });
    expect(
      await managementError(
        service.client.organizations.replaceMemberRoles(organization.id, outsider.userId, [reader.id]),
      ),
    ).toEqual({ status: 422, code: 'organization.require_membership' });
    await service.client.organizations.replaceMemberRoles(organization.id, a.userId, []);
    expect(await granted(a.pat, { organizationId: organization.id }, both)).toBe('');
  });
});

describe("PUT /api/organization-roles/{id}/scopes (an organization role's scopes)", () => {
  it('replaces the scopes (204); unknown scopes 422, an unknown role 404, an empty set 400', async () => {
    const { read, write, reader } = await organizationFixture(0);
    const response = await service.client.raw('PUT', `/api/organization-roles/${reader.id}/scopes`, {
      organizationScopeIds: [write.id],
    });
    expect(response.status).toBe(204);
    expect((await service.client.organizations.roles.scopes(reader.id)).map((scope) => scope.id)).toEqual([write.id]);
    await service.client.organizations.roles.replaceScopes(reader.id, [read.id, write.id]);
    expect((await service.client.organizations.roles.scopes(reader.id)).map((scope) => scope.id).sort()).toEqual(
      [read.id, write.id].sort(),
    );
    expect(await managementError(service.client.organizations.roles.replaceScopes(reader.id, ['nosuchscope']))).toEqual(
      {
        status: 422,
        code: 'entity.relation_foreign_key_not_found',
      },
    );
    expect(await managementError(service.client.organizations.roles.replaceScopes('nosuchrole', [read.id]))).toEqual({
      status: 404,
      code: 'entity.not_exists_with_id',
    });
    expect(await managementError(service.client.organizations.roles.replaceScopes(reader.id, []))).toMatchObject({
      status: 400,
    });
    expect((await service.client.organizations.roles.scopes(reader.id)).length).toBe(2);
  });
});
