/** Organizations, their members and members' roles, organization scopes and roles (Logto's paths and shapes). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError, apiErrors } from '../shared/errors';
import { json, noContent } from '../shared/http/responses';
import { jsonBody, pathParameter, validate } from '../shared/management/request';
import {
  createOrganizationRoleSchema,
  createOrganizationSchema,
  createOrganizationScopeSchema,
  memberRolesSchema,
  organizationRoleScopesSchema,
  organizationUsersSchema,
  replaceMemberRolesSchema,
  replaceOrganizationUsersSchema,
  updateOrganizationRoleSchema,
  updateOrganizationSchema,
  updateOrganizationScopeSchema,
  userIdSchema,
} from '../shared/management/schemas';
import type { Organization, OrganizationRole } from '../shared/model/organization';
import { pageOf, searched } from '../pats/pagination';
import type { AuditCaller } from '../shared/store/audit';
import * as organizations from '../shared/store/organizations';
import { getUser } from '../shared/store/users';
import {
  checkScopeName,
  deleteNotFound,
  distinct,
  idParam,
  logChange,
  newId,
  notFound,
} from '../shared/management/entities';

const errors = {
  notFound,
  deleteNotFound,
  nameInUse: () => new ApiError(422, 'entity.unique_integrity_violation', 'The name is already in use.'),
  requireMembership: () =>
    new ApiError(422, 'organization.require_membership', 'The user is not a member of the organization.'),
  unknownUser: () => new ApiError(422, 'entity.relation_foreign_key_not_found', 'One of the users does not exist.'),
  unknownRelation: (what: string) =>
    new ApiError(422, 'entity.relation_foreign_key_not_found', `One of the ${what} does not exist.`),
};

const userParam = (event: APIGatewayProxyEvent) => validate(userIdSchema, pathParameter(event, 'userId'), 'userId');

function written<T>(outcome: organizations.NamedWrite<T>, what: string): T {
  if (outcome.status === 'ok') return outcome.value;
  if (outcome.status === 'name_in_use') throw errors.nameInUse();
  throw errors.notFound(what);
}

const roleView = ({ scopeIds: _scopeIds, ...role }: OrganizationRole) => role;

// Organizations

export async function createOrganization(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createOrganizationSchema);
  const organization: Organization = {
    id: newId(),
    name: body.name,
    description: body.description ?? null,
    customData: body.customData ?? {},
    createdAt: Date.now(),
  };
  await organizations.createOrganization(caller, organization);
  logChange('organization.created', { id: organization.id });
  return json(201, organization);
}

/** Logto's list: always paginated, `q` on id and name. */
export async function listOrganizations(event: APIGatewayProxyEvent) {
  const all = searched(event, 'q', await organizations.listOrganizations(), (each) => [each.id, each.name]);
  const { items, headers } = pageOf(event, all);
  return json(200, items, headers);
}

export async function getOrganization(event: APIGatewayProxyEvent) {
  const organization = await organizations.getOrganization(idParam(event, 'id'));
  if (!organization) throw errors.notFound('organization');
  return json(200, organization);
}

export async function updateOrganization(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const organization = await organizations.updateOrganization(caller, id, jsonBody(event, updateOrganizationSchema));
  if (!organization) throw errors.notFound('organization');
  logChange('organization.updated', { id });
  return json(200, organization);
}

export async function deleteOrganization(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  if (!(await organizations.deleteOrganization(caller, id))) throw errors.deleteNotFound('organization');
  logChange('organization.deleted', { id });
  return noContent();
}

// Members

/** Logto's UserWithOrganizationRoles, narrowed to what patgate keeps of a user. */
export async function listOrganizationUsers(event: APIGatewayProxyEvent) {
  const id = idParam(event, 'id');
  if (!(await organizations.getOrganization(id))) throw errors.notFound('organization');
  const members = await organizations.listMemberships(id);
  const users = await Promise.all(members.map((member) => getUser(member.userId)));
  const roles = await organizations.listOrganizationRoles();
  const current = members.flatMap((member, i) => {
    const user = users[i];
    return user && user.createdAt === member.userCreatedAt ? [{ member, user }] : [];
  });
  // Logto's list: always paginated, `q` on the user's id, username, email, phone and name.
  const { items, headers } = pageOf(
    event,
    searched(event, 'q', current, ({ user }) => [
      user.id,
      user.username,
      user.primaryEmail,
      user.primaryPhone,
      user.name,
    ]),
  );
  return json(
    200,
    items.map(({ member, user }) => ({
      id: user.id,
      username: user.username,
      name: user.name,
      primaryEmail: user.primaryEmail,
      organizationRoles: roles
        .filter((role) => member.roleIds.includes(role.id))
        .map(({ id: roleId, name }) => ({ id: roleId, name })),
    })),
    headers,
  );
}

export async function addOrganizationUsers(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const { userIds } = jsonBody(event, organizationUsersSchema);
  if (!(await organizations.getOrganization(id))) throw errors.notFound('organization');
  const users = await Promise.all(userIds.map((userId) => getUser(userId)));
  if (users.some((user) => !user)) throw errors.unknownUser();
  for (const user of users) {
    const outcome = await organizations.addMember(caller, id, user!.id, user!.createdAt);
    if (outcome === 'organization_not_found') throw errors.notFound('organization');
    if (outcome === 'user_not_found') throw errors.unknownUser();
  }
  logChange('organization.members.added', { id, userIds });
  return json(201, { userIds });
}

/** Logto's PUT /organizations/:id/users: exactly these members, in one transaction; 204. */
export async function replaceOrganizationUsers(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const userIds = distinct(jsonBody(event, replaceOrganizationUsersSchema).userIds);
  if (!(await organizations.getOrganization(id))) throw errors.notFound('organization');
  const users = await Promise.all(userIds.map((userId) => getUser(userId)));
  if (users.some((user) => !user)) throw errors.unknownUser();
  const outcome = await organizations.replaceMembers(
    caller,
    id,
    users.map((user) => ({ id: user!.id, createdAt: user!.createdAt })),
  );
  switch (outcome.status) {
    case 'organization_not_found':
      throw errors.notFound('organization');
    case 'user_not_found':
      throw errors.unknownUser();
    case 'too_many':
      throw apiErrors.invalidInput(
        `This replacement would change ${outcome.changes} items; one request changes at most ${outcome.limit} ` +
          '(a member added counts twice, a member removed once). Replace in smaller steps, or add and remove members one request at a time.',
      );
  }
  logChange('organization.members.replaced', { id, added: outcome.added, removed: outcome.removed });
  return noContent();
}

export async function removeOrganizationUser(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const userId = userParam(event);
  if (!(await organizations.removeMember(caller, id, userId))) throw errors.requireMembership();
  logChange('organization.member.removed', { id, userId });
  return noContent();
}

/** Logto's GET /users/:userId/organizations: the user's organizations with its organization roles, unpaginated. */
export async function listUserOrganizations(event: APIGatewayProxyEvent) {
  const user = await getUser(userParam(event));
  if (!user) throw errors.notFound('user');
  const memberships = (await organizations.listUserMemberships(user.id)).filter(
    (membership) => membership.userCreatedAt === user.createdAt,
  );
  const [found, roles] = await Promise.all([
    Promise.all(memberships.map((membership) => organizations.getOrganization(membership.organizationId))),
    organizations.listOrganizationRoles(),
  ]);
  return json(
    200,
    memberships
      .flatMap((membership, i) => {
        // A membership outliving its organization (a deletion interrupted half-way) is not listed.
        const organization = found[i];
        if (!organization) return [];
        const organizationRoles = roles
          .filter((role) => membership.roleIds.includes(role.id))
          .map(({ id: roleId, name }) => ({ id: roleId, name }));
        return [{ ...organization, organizationRoles }];
      })
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)),
  );
}

async function requireOrganizationRoles(roleIds: readonly string[]) {
  const known = await Promise.all(roleIds.map((roleId) => organizations.getOrganizationRole(roleId)));
  if (known.some((role) => !role)) throw errors.unknownRelation('organization roles');
}

/** The member's membership, or Logto's 422 `organization.require_membership`. */
async function requireMember(event: APIGatewayProxyEvent) {
  const id = idParam(event, 'id');
  const userId = userParam(event);
  const user = await getUser(userId);
  const membership = organizations.membershipOf(await organizations.getMembership(id, userId), user?.createdAt);
  if (!membership) throw errors.requireMembership();
  return { id, userId, membership };
}

/** Logto's list: paginated only when `page` or `page_size` is given. */
export async function listMemberRoles(event: APIGatewayProxyEvent) {
  const { membership } = await requireMember(event);
  const roles = (await organizations.listOrganizationRoles()).filter((role) => membership.roleIds.includes(role.id));
  const { items, headers } = pageOf(event, roles, { optional: true });
  return json(200, items.map(roleView), headers);
}

export async function assignMemberRoles(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const { organizationRoleIds } = jsonBody(event, memberRolesSchema);
  const { id, userId } = await requireMember(event);
  await requireOrganizationRoles(organizationRoleIds);
  const outcome = await organizations.changeMemberRoles(
    caller,
    id,
    userId,
    'organization.member_roles_assigned',
    (current) => ({
      roleIds: [...current, ...organizationRoleIds.filter((roleId) => !current.includes(roleId))],
      value: organizationRoleIds,
    }),
  );
  if (outcome === 'not_member') throw errors.requireMembership();
  logChange('organization.member.roles.added', { id, userId, organizationRoleIds });
  return json(201, { organizationRoleIds });
}

/** Logto's PUT /organizations/:id/users/:userId/roles: the member's roles become exactly these; 204. */
export async function replaceMemberRoles(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const organizationRoleIds = distinct(jsonBody(event, replaceMemberRolesSchema).organizationRoleIds);
  const { id, userId } = await requireMember(event);
  await requireOrganizationRoles(organizationRoleIds);
  const outcome = await organizations.changeMemberRoles(
    caller,
    id,
    userId,
    'organization.member_roles_replaced',
    () => ({
      roleIds: organizationRoleIds,
      value: true,
    }),
  );
  if (outcome === 'not_member') throw errors.requireMembership();
  logChange('organization.member.roles.replaced', { id, userId, organizationRoleIds });
  return noContent();
}

export async function removeMemberRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const { id, userId } = await requireMember(event);
  const roleId = idParam(event, 'organizationRoleId');
  const outcome = await organizations.changeMemberRoles(
    caller,
    id,
    userId,
    'organization.member_role_removed',
    (current) => ({
      roleIds: current.filter((each) => each !== roleId),
      value: current.includes(roleId),
    }),
  );
  if (outcome === 'not_member') throw errors.requireMembership();
  if (!outcome) throw errors.deleteNotFound('organization role of the member');
  logChange('organization.member.role.removed', { id, userId, roleId });
  return noContent();
}

// Organization scopes

export async function createOrganizationScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createOrganizationScopeSchema);
  checkScopeName(body.name);
  const scope = { id: newId(), name: body.name, description: body.description ?? null };
  if ((await organizations.createOrganizationScope(caller, scope, Date.now())) === 'name_in_use')
    throw errors.nameInUse();
  logChange('organization.scope.created', { id: scope.id });
  return json(201, scope);
}

/** Logto's list: always paginated, `q` on the name. */
export async function listOrganizationScopes(event: APIGatewayProxyEvent) {
  const all = searched(event, 'q', await organizations.listOrganizationScopes(), (scope) => [scope.name]);
  const { items, headers } = pageOf(event, all);
  return json(200, items, headers);
}

export async function getOrganizationScope(event: APIGatewayProxyEvent) {
  const scope = await organizations.getOrganizationScope(idParam(event, 'id'));
  if (!scope) throw errors.notFound('organization scope');
  return json(200, scope);
}

export async function updateOrganizationScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const body = jsonBody(event, updateOrganizationScopeSchema);
  checkScopeName(body.name);
  const scope = written(await organizations.updateOrganizationScope(caller, id, body), 'organization scope');
  logChange('organization.scope.updated', { id });
  return json(200, scope);
}

export async function deleteOrganizationScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  if (!(await organizations.deleteOrganizationScope(caller, id))) throw errors.deleteNotFound('organization scope');
  logChange('organization.scope.deleted', { id });
  return noContent();
}

// Organization roles

async function requireScopes(scopeIds: readonly string[]) {
  const known = await Promise.all(scopeIds.map((scopeId) => organizations.getOrganizationScope(scopeId)));
  if (known.some((scope) => !scope)) throw errors.unknownRelation('organization scopes');
}

export async function createOrganizationRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createOrganizationRoleSchema);
  const scopeIds = body.organizationScopeIds ?? [];
  await requireScopes(scopeIds);
  const role: OrganizationRole = {
    id: newId(),
    name: body.name,
    description: body.description ?? null,
    type: 'User',
    scopeIds,
  };
  if ((await organizations.createOrganizationRole(caller, role, Date.now())) === 'name_in_use')
    throw errors.nameInUse();
  logChange('organization.role.created', { id: role.id });
  return json(201, roleView(role));
}

/** Logto's list: always paginated. */
export async function listOrganizationRoles(event: APIGatewayProxyEvent) {
  const { items, headers } = pageOf(event, await organizations.listOrganizationRoles());
  return json(200, items.map(roleView), headers);
}

export async function getOrganizationRole(event: APIGatewayProxyEvent) {
  const role = await organizations.getOrganizationRole(idParam(event, 'id'));
  if (!role) throw errors.notFound('organization role');
  return json(200, roleView(role));
}

export async function updateOrganizationRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const body = jsonBody(event, updateOrganizationRoleSchema);
  const role = written(await organizations.updateOrganizationRole(caller, id, body), 'organization role');
  logChange('organization.role.updated', { id });
  return json(200, roleView(role));
}

export async function deleteOrganizationRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  if (!(await organizations.deleteOrganizationRole(caller, id))) throw errors.deleteNotFound('organization role');
  logChange('organization.role.deleted', { id });
  return noContent();
}

export async function listOrganizationRoleScopes(event: APIGatewayProxyEvent) {
  const role = await organizations.getOrganizationRole(idParam(event, 'id'));
  if (!role) throw errors.notFound('organization role');
  const scopes = (await organizations.listOrganizationScopes()).filter((scope) => role.scopeIds.includes(scope.id));
  // Logto's relation list: always paginated.
  const { items, headers } = pageOf(event, scopes);
  return json(200, items, headers);
}

export async function addOrganizationRoleScopes(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const { organizationScopeIds } = jsonBody(event, organizationRoleScopesSchema);
  await requireScopes(organizationScopeIds);
  written(await organizations.addOrganizationRoleScopes(caller, id, organizationScopeIds), 'organization role');
  logChange('organization.role.scopes.added', { id, organizationScopeIds });
  return noContent201();
}

/** Logto's PUT /organization-roles/:id/scopes: the role's scopes become exactly these; 204. */
export async function replaceOrganizationRoleScopes(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const { organizationScopeIds } = jsonBody(event, organizationRoleScopesSchema);
  await requireScopes(organizationScopeIds);
  written(await organizations.replaceOrganizationRoleScopes(caller, id, organizationScopeIds), 'organization role');
  logChange('organization.role.scopes.replaced', { id, organizationScopeIds });
  return noContent();
}

/** Logto answers 201 with no body here. */
const noContent201 = () => ({ ...noContent(), statusCode: 201 });

export async function removeOrganizationRoleScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const scopeId = idParam(event, 'organizationScopeId');
  if (!written(await organizations.removeOrganizationRoleScope(caller, id, scopeId), 'organization role')) {
    throw errors.deleteNotFound('organization scope of the role');
  }
  logChange('organization.role.scope.removed', { id, scopeId });
  return noContent();
}
