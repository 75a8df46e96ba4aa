/** Organizations, their members and members' roles, organization scopes and roles (Logto's paths and shapes). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomString } from '../shared/crypto/secrets';
import { ApiError, apiErrors } from '../shared/errors';
import { json, noContent } from '../shared/http/responses';
import { jsonBody, pathParameter, validate } from '../shared/management/request';
import {
  createOrganizationRoleSchema,
  createOrganizationSchema,
  createOrganizationScopeSchema,
  idSchema,
  memberRolesSchema,
  organizationRoleScopesSchema,
  organizationUsersSchema,
  updateOrganizationRoleSchema,
  updateOrganizationSchema,
  updateOrganizationScopeSchema,
  userIdSchema,
} from '../shared/management/schemas';
import { countMetric, logger } from '../shared/observability';
import { SCOPE_TOKEN_PATTERN } from '../shared/oauth';
import type { Organization, OrganizationRole } from '../shared/model/organization';
import * as organizations from '../shared/store/organizations';
import { getUser } from '../shared/store/users';

const LOWER_ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';
const newId = () => randomString(21, LOWER_ALPHANUMERIC);

const errors = {
  notFound: (what: string) => new ApiError(404, 'entity.not_exists_with_id', `The ${what} does not exist.`),
  deleteNotFound: (what: string) => new ApiError(404, 'entity.not_found', `The ${what} does not exist.`),
  nameInUse: () => new ApiError(422, 'entity.unique_integrity_violation', 'The name is already in use.'),
  requireMembership: () =>
    new ApiError(422, 'organization.require_membership', 'The user is not a member of the organization.'),
  unknownUser: () => new ApiError(422, 'entity.relation_foreign_key_not_found', 'One of the users does not exist.'),
  unknownRelation: (what: string) =>
    new ApiError(422, 'entity.relation_foreign_key_not_found', `One of the ${what} does not exist.`),
};

const param = (event: APIGatewayProxyEvent, name: string) => validate(idSchema, pathParameter(event, name), name);
const userParam = (event: APIGatewayProxyEvent) => validate(userIdSchema, pathParameter(event, 'userId'), 'userId');

function audit(action: string, details: Record<string, unknown>) {
  countMetric('ManagementAction', { action });
  logger.info(action, details);
}

function checkScopeName(name: string | undefined) {
  if (name === undefined) return;
  if (/\s/.test(name)) throw new ApiError(400, 'scope.name_with_space', 'A scope name must not contain spaces.');
  if (!SCOPE_TOKEN_PATTERN.test(name)) throw apiErrors.invalidInput('Invalid request body: name must be a scope token');
}

function written<T>(outcome: organizations.NamedWrite<T>, what: string): T {
  if (outcome.status === 'ok') return outcome.value;
  if (outcome.status === 'name_in_use') throw errors.nameInUse();
  throw errors.notFound(what);
}

const roleView = ({ scopeIds: _scopeIds, ...role }: OrganizationRole) => role;

// Organizations

export async function createOrganization(event: APIGatewayProxyEvent) {
  const body = jsonBody(event, createOrganizationSchema);
  const organization: Organization = {
    id: newId(),
    name: body.name,
    description: body.description ?? null,
    customData: body.customData ?? {},
    createdAt: Date.now(),
  };
  await organizations.createOrganization(organization);
  audit('organization.created', { id: organization.id });
  return json(201, organization);
}

export async function listOrganizations() {
  return json(200, await organizations.listOrganizations());
}

export async function getOrganization(event: APIGatewayProxyEvent) {
  const organization = await organizations.getOrganization(param(event, 'id'));
  if (!organization) throw errors.notFound('organization');
  return json(200, organization);
}

export async function updateOrganization(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const organization = await organizations.updateOrganization(id, jsonBody(event, updateOrganizationSchema));
  if (!organization) throw errors.notFound('organization');
  audit('organization.updated', { id });
  return json(200, organization);
}

export async function deleteOrganization(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  if (!(await organizations.deleteOrganization(id))) throw errors.deleteNotFound('organization');
  audit('organization.deleted', { id });
  return noContent();
}

// Members

/** Logto's UserWithOrganizationRoles, narrowed to what patgate keeps of a user. */
export async function listOrganizationUsers(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  if (!(await organizations.getOrganization(id))) throw errors.notFound('organization');
  const members = await organizations.listMemberships(id);
  const users = await Promise.all(members.map((member) => getUser(member.userId)));
  const roles = await organizations.listOrganizationRoles();
  return json(
    200,
    members.flatMap((member, i) => {
      const user = users[i];
      if (!user || user.createdAt !== member.userCreatedAt) return [];
      const organizationRoles = roles
        .filter((role) => member.roleIds.includes(role.id))
        .map(({ id: roleId, name }) => ({ id: roleId, name }));
      return [
        { id: user.id, username: user.username, name: user.name, primaryEmail: user.primaryEmail, organizationRoles },
      ];
    }),
  );
}

export async function addOrganizationUsers(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const { userIds } = jsonBody(event, organizationUsersSchema);
  if (!(await organizations.getOrganization(id))) throw errors.notFound('organization');
  const users = await Promise.all(userIds.map((userId) => getUser(userId)));
  if (users.some((user) => !user)) throw errors.unknownUser();
  for (const user of users) {
    const outcome = await organizations.addMember(id, user!.id, user!.createdAt);
    if (outcome === 'organization_not_found') throw errors.notFound('organization');
    if (outcome === 'user_not_found') throw errors.unknownUser();
  }
  audit('organization.members.added', { id, userIds });
  return json(201, { userIds });
}

export async function removeOrganizationUser(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const userId = userParam(event);
  if (!(await organizations.removeMember(id, userId))) throw errors.requireMembership();
  audit('organization.member.removed', { id, userId });
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

/** The member's membership, or Logto's 422 `organization.require_membership`. */
async function requireMember(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const userId = userParam(event);
  const user = await getUser(userId);
  const membership = organizations.membershipOf(await organizations.getMembership(id, userId), user?.createdAt);
  if (!membership) throw errors.requireMembership();
  return { id, userId, membership };
}

export async function listMemberRoles(event: APIGatewayProxyEvent) {
  const { membership } = await requireMember(event);
  const roles = await organizations.listOrganizationRoles();
  return json(200, roles.filter((role) => membership.roleIds.includes(role.id)).map(roleView));
}

export async function assignMemberRoles(event: APIGatewayProxyEvent) {
  const { organizationRoleIds } = jsonBody(event, memberRolesSchema);
  const { id, userId } = await requireMember(event);
  const known = await Promise.all(organizationRoleIds.map((roleId) => organizations.getOrganizationRole(roleId)));
  if (known.some((role) => !role)) throw errors.unknownRelation('organization roles');
  const outcome = await organizations.changeMemberRoles(
    id,
    userId,
    'organization.member_roles_assigned',
    (current) => ({
      roleIds: [...current, ...organizationRoleIds.filter((roleId) => !current.includes(roleId))],
      value: organizationRoleIds,
    }),
  );
  if (outcome === 'not_member') throw errors.requireMembership();
  audit('organization.member.roles.added', { id, userId, organizationRoleIds });
  return json(201, { organizationRoleIds });
}

export async function removeMemberRole(event: APIGatewayProxyEvent) {
  const { id, userId } = await requireMember(event);
  const roleId = param(event, 'organizationRoleId');
  const outcome = await organizations.changeMemberRoles(id, userId, 'organization.member_role_removed', (current) => ({
    roleIds: current.filter((each) => each !== roleId),
    value: current.includes(roleId),
  }));
  if (outcome === 'not_member') throw errors.requireMembership();
  if (!outcome) throw errors.deleteNotFound('organization role of the member');
  audit('organization.member.role.removed', { id, userId, roleId });
  return noContent();
}

// Organization scopes

export async function createOrganizationScope(event: APIGatewayProxyEvent) {
  const body = jsonBody(event, createOrganizationScopeSchema);
  checkScopeName(body.name);
  const scope = { id: newId(), name: body.name, description: body.description ?? null };
  if ((await organizations.createOrganizationScope(scope, Date.now())) === 'name_in_use') throw errors.nameInUse();
  audit('organization.scope.created', { id: scope.id });
  return json(201, scope);
}

export async function listOrganizationScopes() {
  return json(200, await organizations.listOrganizationScopes());
}

export async function getOrganizationScope(event: APIGatewayProxyEvent) {
  const scope = await organizations.getOrganizationScope(param(event, 'id'));
  if (!scope) throw errors.notFound('organization scope');
  return json(200, scope);
}

export async function updateOrganizationScope(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const body = jsonBody(event, updateOrganizationScopeSchema);
  checkScopeName(body.name);
  const scope = written(await organizations.updateOrganizationScope(id, body), 'organization scope');
  audit('organization.scope.updated', { id });
  return json(200, scope);
}

export async function deleteOrganizationScope(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  if (!(await organizations.deleteOrganizationScope(id))) throw errors.deleteNotFound('organization scope');
  audit('organization.scope.deleted', { id });
  return noContent();
}

// Organization roles

async function requireScopes(scopeIds: readonly string[]) {
  const known = await Promise.all(scopeIds.map((scopeId) => organizations.getOrganizationScope(scopeId)));
  if (known.some((scope) => !scope)) throw errors.unknownRelation('organization scopes');
}

export async function createOrganizationRole(event: APIGatewayProxyEvent) {
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
  if ((await organizations.createOrganizationRole(role, Date.now())) === 'name_in_use') throw errors.nameInUse();
  audit('organization.role.created', { id: role.id });
  return json(201, roleView(role));
}

export async function listOrganizationRoles() {
  return json(200, (await organizations.listOrganizationRoles()).map(roleView));
}

export async function getOrganizationRole(event: APIGatewayProxyEvent) {
  const role = await organizations.getOrganizationRole(param(event, 'id'));
  if (!role) throw errors.notFound('organization role');
  return json(200, roleView(role));
}

export async function updateOrganizationRole(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const body = jsonBody(event, updateOrganizationRoleSchema);
  const role = written(await organizations.updateOrganizationRole(id, body), 'organization role');
  audit('organization.role.updated', { id });
  return json(200, roleView(role));
}

export async function deleteOrganizationRole(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  if (!(await organizations.deleteOrganizationRole(id))) throw errors.deleteNotFound('organization role');
  audit('organization.role.deleted', { id });
  return noContent();
}

export async function listOrganizationRoleScopes(event: APIGatewayProxyEvent) {
  const role = await organizations.getOrganizationRole(param(event, 'id'));
  if (!role) throw errors.notFound('organization role');
  const scopes = await organizations.listOrganizationScopes();
  return json(
    200,
    scopes.filter((scope) => role.scopeIds.includes(scope.id)),
  );
}

export async function addOrganizationRoleScopes(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const { organizationScopeIds } = jsonBody(event, organizationRoleScopesSchema);
  await requireScopes(organizationScopeIds);
  written(await organizations.addOrganizationRoleScopes(id, organizationScopeIds), 'organization role');
  audit('organization.role.scopes.added', { id, organizationScopeIds });
  return noContent201();
}

/** Logto answers 201 with no body here. */
const noContent201 = () => ({ ...noContent(), statusCode: 201 });

export async function removeOrganizationRoleScope(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const scopeId = param(event, 'organizationScopeId');
  if (!written(await organizations.removeOrganizationRoleScope(id, scopeId), 'organization role')) {
    throw errors.deleteNotFound('organization scope of the role');
  }
  audit('organization.role.scope.removed', { id, scopeId });
  return noContent();
}
