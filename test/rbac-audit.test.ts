/**
 * The audit trail of roles, users' roles, resource scopes, organizations, their members, scopes and roles:
 * one event per change, written in the change's transaction (faults injected by a proxy in front of
 * DynamoDB Local), none for a refused change or one that changes nothing.
 */
import type { TestService } from './harness/service';
import { startServiceBehindDynamoDbFaults, type ServiceBehindFaults } from './support/behind-dynamodb-faults';
import { dynamoDbFaults, type FaultProxy } from './support/fault-proxy';
import type { AuditEvent } from '../client/types';

let proxy: FaultProxy;
let service: TestService;
let running: ServiceBehindFaults | undefined;

beforeAll(async () => {
  running = await startServiceBehindDynamoDbFaults();
  ({ proxy, service } = running);
});
afterAll(() => running?.close());
afterEach(() => proxy.clear());

async function events(query: Parameters<TestService['client']['audit']['list']>[0]): Promise<AuditEvent[]> {
  return (await service.client.audit.list({ pageSize: 100, ...query })).events;
}

/** Events of one action whose details include `details`. */
async function eventsOf(action: string, details: Record<string, string>, userId?: string): Promise<AuditEvent[]> {
  return (await events({ action, ...(userId ? { userId } : {}) })).filter((event) =>
    Object.entries(details).every(([field, value]) => event.details?.[field] === value),
  );
}

/** Exactly one event of the action about `details`, with the caller recorded; returns it. */
async function theEvent(action: string, details: Record<string, string>, userId?: string): Promise<AuditEvent> {
  const found = await eventsOf(action, details, userId);
  expect(found).toHaveLength(1);
  const [event] = found as [AuditEvent];
  expect(event.action).toBe(action);
  expect(event.callerArn).toMatch(/^arn:aws:/);
  if (userId) expect(event.userId).toBe(userId);
  return event;
}

const unique = () => service.newUserId();

describe('resource scopes', () => {
  it('creating, updating and deleting a scope each write one event on the resource', async () => {
    const resource = await service.client.resources.create({
      name: 'API',
      indicator: `https://${unique()}.example.com`,
      scopes: [],
    });
    const scope = await service.client.resources.scopes.create(resource.id, { name: 'read:a' });
    const created = await theEvent('resource.scope_created', { scopeId: scope.id, name: 'read:a' });
    expect(created.resourceId).toBe(resource.id);

    await service.client.resources.scopes.update(resource.id, scope.id, { name: 'read:b' });
    expect((await theEvent('resource.scope_updated', { scopeId: scope.id, name: 'read:b' })).resourceId).toBe(
      resource.id,
    );

    // A refused change (name taken) writes nothing.
    const other = await service.client.resources.scopes.create(resource.id, { name: 'write:a' });
    await expect(service.client.resources.scopes.update(resource.id, other.id, { name: 'read:b' })).rejects.toThrow();
    expect(await eventsOf('resource.scope_updated', { scopeId: other.id })).toEqual([]);

    await service.client.resources.scopes.delete(resource.id, scope.id);
    expect((await theEvent('resource.scope_deleted', { scopeId: scope.id })).resourceId).toBe(resource.id);
  });
});

describe('roles and users’ roles', () => {
  it('every role change and role assignment writes one event', async () => {
    const resource = await service.client.resources.create({
      name: 'API',
      indicator: `https://${unique()}.example.com`,
      scopes: [],
    });
    const read = await service.client.resources.scopes.create(resource.id, { name: 'read' });
    const write = await service.client.resources.scopes.create(resource.id, { name: 'write' });
    const name = `role-${unique()}`;
    const role = await service.client.roles.create({ name, description: 'd', scopeIds: [read.id] });
    await theEvent('role.created', { roleId: role.id, name });

    await service.client.roles.update(role.id, { name: `${name}-2` });
    await theEvent('role.updated', { roleId: role.id, name: `${name}-2` });

    await service.client.roles.addScopes(role.id, [write.id]);
    await theEvent('role.scopes_added', { roleId: role.id, scopeIds: write.id });

    await service.client.roles.removeScope(role.id, write.id);
    await theEvent('role.scope_removed', { roleId: role.id, scopeId: write.id });
    // Removing a scope the role lacks: 404, and no event.
    await expect(service.client.roles.removeScope(role.id, write.id)).rejects.toThrow();
    expect(await eventsOf('role.scope_removed', { roleId: role.id })).toHaveLength(1);

    const userId = await service.newUser();
    await service.client.roles.assign(userId, [role.id]);
    const assigned = await theEvent('user.roles_assigned', { addedRoleIds: role.id }, userId);
    // Listed with the user's own events too (per-user route).
    expect((await events({ userId, perUserRoute: true, action: 'user.roles_assigned' })).map((e) => e.id)).toEqual([
      assigned.id,
    ]);
    // Assigning a role the user has changes nothing: no second event.
    await service.client.roles.assign(userId, [role.id]);
    expect(await eventsOf('user.roles_assigned', {}, userId)).toHaveLength(1);

    await service.client.roles.unassign(userId, role.id);
    await theEvent('user.role_removed', { removedRoleIds: role.id }, userId);
    await expect(service.client.roles.unassign(userId, role.id)).rejects.toThrow();
    expect(await eventsOf('user.role_removed', {}, userId)).toHaveLength(1);

    await service.client.roles.delete(role.id);
    await theEvent('role.deleted', { roleId: role.id });
  });

  it('a role assignment whose transaction fails leaves neither the assignment nor its event', async () => {
    const role = await service.client.roles.create({ name: `role-${unique()}`, description: 'd' });
    const userId = await service.newUser();

    const eventsBefore = (await events({ userId })).length;

    proxy.inject({ operations: ['TransactWriteItems'], fault: dynamoDbFaults.internalServerError });
    const refused = await service.client.raw('POST', `/api/users/${userId}/roles`, { roleIds: [role.id] });
    proxy.clear();
    expect(refused.status).toBe(503);
    expect(await service.client.roles.ofUser(userId)).toEqual([]);
    expect(await events({ userId })).toHaveLength(eventsBefore);

    // Once the engine is back, the assignment and exactly one event land together.
    expect((await service.client.raw('POST', `/api/users/${userId}/roles`, { roleIds: [role.id] })).status).toBe(201);
    expect((await service.client.roles.ofUser(userId)).map((each) => each.id)).toEqual([role.id]);
    await theEvent('user.roles_assigned', { addedRoleIds: role.id }, userId);
    expect(await events({ userId })).toHaveLength(eventsBefore + 1);
  });
});

describe('organizations', () => {
  it('every organization, member, organization scope and organization role change writes one event', async () => {
    const organization = await service.client.organizations.create({ name: `org-${unique()}` });
    const organizationId = organization.id;
    await theEvent('organization.created', { organizationId, name: organization.name });

    await service.client.organizations.update(organizationId, { description: 'x', customData: { secret: 's3' } });
    const updated = await theEvent('organization.updated', { organizationId });
    // Field names only: custom data stays out of the trail.
    expect(JSON.stringify(updated)).not.toContain('s3');

    const scopeName = `scope-${unique()}`;
    const scope = await service.client.organizations.scopes.create({ name: scopeName });
    await theEvent('organization_scope.created', { organizationScopeId: scope.id, name: scopeName });
    await service.client.organizations.scopes.update(scope.id, { description: 'd' });
    await theEvent('organization_scope.updated', { organizationScopeId: scope.id });

    const roleName = `orole-${unique()}`;
    const role = await service.client.organizations.roles.create({ name: roleName });
    await theEvent('organization_role.created', { organizationRoleId: role.id, name: roleName });
    await service.client.organizations.roles.update(role.id, { name: `${roleName}-2` });
    await theEvent('organization_role.updated', { organizationRoleId: role.id, name: `${roleName}-2` });
    await service.client.organizations.roles.addScopes(role.id, [scope.id]);
    await theEvent('organization_role.scopes_added', { organizationRoleId: role.id, scopeIds: scope.id });
    await service.client.organizations.roles.addScopes(role.id, [scope.id]);
    expect(await eventsOf('organization_role.scopes_added', { organizationRoleId: role.id })).toHaveLength(1);
    await service.client.organizations.roles.removeScope(role.id, scope.id);
    await theEvent('organization_role.scope_removed', { organizationRoleId: role.id, scopeId: scope.id });

    const [alice, bob] = [await service.newUser(), await service.newUser()];
    await service.client.organizations.addMembers(organizationId, [alice, bob]);
    await theEvent('organization.member_added', { organizationId }, alice);
    await theEvent('organization.member_added', { organizationId }, bob);
    // Adding a member again changes nothing.
    await service.client.organizations.addMembers(organizationId, [alice]);
    expect(await eventsOf('organization.member_added', { organizationId }, alice)).toHaveLength(1);

    await service.client.organizations.assignMemberRoles(organizationId, alice, [role.id]);
    await theEvent('organization.member_roles_assigned', { organizationId, addedRoleIds: role.id }, alice);
    await service.client.organizations.assignMemberRoles(organizationId, alice, [role.id]);
    expect(await eventsOf('organization.member_roles_assigned', { organizationId }, alice)).toHaveLength(1);
    await service.client.organizations.removeMemberRole(organizationId, alice, role.id);
    await theEvent('organization.member_role_removed', { organizationId, removedRoleIds: role.id }, alice);

    await service.client.organizations.removeMember(organizationId, bob);
    await theEvent('organization.member_removed', { organizationId }, bob);
    await expect(service.client.organizations.removeMember(organizationId, bob)).rejects.toThrow();
    expect(await eventsOf('organization.member_removed', { organizationId }, bob)).toHaveLength(1);

    await service.client.organizations.roles.delete(role.id);
    await theEvent('organization_role.deleted', { organizationRoleId: role.id });
    await service.client.organizations.scopes.delete(scope.id);
    await theEvent('organization_scope.deleted', { organizationScopeId: scope.id });
    await service.client.organizations.delete(organizationId);
    await theEvent('organization.deleted', { organizationId });
    await expect(service.client.organizations.delete(organizationId)).rejects.toThrow();
    expect(await eventsOf('organization.deleted', { organizationId })).toHaveLength(1);
  });
});

describe('replacements (PUT)', () => {
  it('each replacement writes one event with what it added and removed; none when it changes nothing', async () => {
    const [kept, gone] = [
      await service.client.roles.create({ name: `kept-${unique()}`, description: 'd' }),
      await service.client.roles.create({ name: `gone-${unique()}`, description: 'd' }),
    ];
    const userId = await service.newUser();
    await service.client.roles.assign(userId, [gone.id]);
    await service.client.roles.replace(userId, [kept.id]);
    await theEvent('user.roles_replaced', { addedRoleIds: kept.id, removedRoleIds: gone.id }, userId);
    await service.client.roles.replace(userId, [kept.id]);
    expect(await eventsOf('user.roles_replaced', {}, userId)).toHaveLength(1);

    const organization = await service.client.organizations.create({ name: `org-${unique()}` });
    const organizationId = organization.id;
    const [alice, bob] = [await service.newUser(), await service.newUser()];
    await service.client.organizations.addMembers(organizationId, [alice]);
    await service.client.organizations.replaceMembers(organizationId, [bob]);
    await theEvent('organization.members_replaced', { organizationId, addedUserIds: bob, removedUserIds: alice });

    const [first, second] = [
      await service.client.organizations.roles.create({ name: `a ${unique()}` }),
      await service.client.organizations.roles.create({ name: `b ${unique()}` }),
    ];
    await service.client.organizations.assignMemberRoles(organizationId, bob, [first.id]);
    await service.client.organizations.replaceMemberRoles(organizationId, bob, [second.id]);
    await theEvent(
      'organization.member_roles_replaced',
      { organizationId, addedRoleIds: second.id, removedRoleIds: first.id },
      bob,
    );

    const scopes = [
      await service.client.organizations.scopes.create({ name: `s1-${unique()}` }),
      await service.client.organizations.scopes.create({ name: `s2-${unique()}` }),
    ];
    await service.client.organizations.roles.addScopes(first.id, [scopes[0]!.id]);
    await service.client.organizations.roles.replaceScopes(first.id, [scopes[1]!.id]);
    await theEvent('organization_role.scopes_replaced', {
      organizationRoleId: first.id,
      addedScopeIds: scopes[1]!.id,
      removedScopeIds: scopes[0]!.id,
    });
  });

  it('a replacement of members whose transaction fails leaves neither the change nor its event', async () => {
    const organization = await service.client.organizations.create({ name: `org-${unique()}` });
    const [alice, bob] = [await service.newUser(), await service.newUser()];
    await service.client.organizations.addMembers(organization.id, [alice]);
    const members = async () => (await service.client.organizations.members(organization.id)).map((each) => each.id);

    proxy.inject({ operations: ['TransactWriteItems'], fault: dynamoDbFaults.internalServerError });
    const refused = await service.client.raw('PUT', `/api/organizations/${organization.id}/users`, { userIds: [bob] });
    proxy.clear();
    expect(refused.status).toBe(503);
    expect(await members()).toEqual([alice]);
    expect(await eventsOf('organization.members_replaced', { organizationId: organization.id })).toEqual([]);

    expect(
      (await service.client.raw('PUT', `/api/organizations/${organization.id}/users`, { userIds: [bob] })).status,
    ).toBe(204);
    expect(await members()).toEqual([bob]);
    await theEvent('organization.members_replaced', { organizationId: organization.id, addedUserIds: bob });
  });
});
