/** Resource scopes, roles, and users' roles: Logto's RBAC Management API. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomString } from '../shared/crypto/secrets';
import { ApiError, apiErrors } from '../shared/errors';
import { json, noContent } from '../shared/http/responses';
import { jsonBody, pathParameter, userIdParameter, validate } from '../shared/management/request';
import {
  createRoleSchema,
  createScopeSchema,
  idSchema,
  roleScopesSchema,
  updateRoleSchema,
  updateScopeSchema,
  userRolesSchema,
} from '../shared/management/schemas';
import { countMetric, logger } from '../shared/observability';
import { SCOPE_TOKEN_PATTERN } from '../shared/oauth';
import type { ApiResource, ResourceScope } from '../shared/model/resource';
import type { Role, ScopeRef } from '../shared/model/role';
import * as resources from '../shared/store/resources';
import * as roles from '../shared/store/roles';
import { getUser } from '../shared/store/users';

const LOWER_ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';
const newId = () => randomString(21, LOWER_ALPHANUMERIC);

/** Logto's codes for these routes. */
const errors = {
  notFound: (what: string) => new ApiError(404, 'entity.not_exists_with_id', `The ${what} does not exist.`),
  deleteNotFound: (what: string) => new ApiError(404, 'entity.not_found', `The ${what} does not exist.`),
  scopeNameWithSpace: () => new ApiError(400, 'scope.name_with_space', 'A scope name must not contain spaces.'),
  scopeNameExists: () => new ApiError(422, 'scope.name_exists', 'The resource already has a scope with this name.'),
  roleNameInUse: () => new ApiError(422, 'role.name_in_use', 'A role with this name already exists.'),
  roleScopeExists: () => new ApiError(422, 'role.scope_exists', 'The role already has this scope.'),
};

const param = (event: APIGatewayProxyEvent, name: string) => validate(idSchema, pathParameter(event, name), name);

function audit(action: string, details: Record<string, unknown>) {
  countMetric('ManagementAction', { action });
  logger.info(action, details);
}

const scopeView = (resourceId: string, scope: ResourceScope) => ({ ...scope, resourceId });

const resourceView = (resource: ApiResource) => ({
  id: resource.id,
  name: resource.name,
  indicator: resource.indicator,
  accessTokenTtl: resource.accessTokenTtl,
  scopes: resource.scopes.map((scope) => scope.name),
  patPolicy: resource.patPolicy ?? null,
  createdAt: resource.createdAt,
});

const roleView = ({ scopes: _scopes, ...role }: Role) => role;

function checkScopeName(name: string | undefined) {
  if (name === undefined) return;
  if (/\s/.test(name)) throw errors.scopeNameWithSpace();
  if (!SCOPE_TOKEN_PATTERN.test(name)) throw apiErrors.invalidInput('Invalid request body: name must be a scope token');
}

function scopeOutcome<T>(outcome: resources.ScopeWrite<T>): T {
  if (outcome.status === 'ok') return outcome.value;
  if (outcome.status === 'name_exists') throw errors.scopeNameExists();
  throw errors.notFound(outcome.status === 'not_found' ? 'API resource' : 'scope');
}

// Resource scopes

export async function listResourceScopes(event: APIGatewayProxyEvent) {
  const resourceId = param(event, 'id');
  const resource = await resources.getResource(resourceId);
  // As in Logto, an unknown resource simply has no scopes.
  return json(
    200,
    (resource?.scopes ?? []).map((scope) => scopeView(resourceId, scope)),
  );
}

export async function createResourceScope(event: APIGatewayProxyEvent) {
  const resourceId = param(event, 'id');
  const body = jsonBody(event, createScopeSchema);
  checkScopeName(body.name);
  const scope: ResourceScope = {
    id: newId(),
    name: body.name,
    description: body.description ?? null,
    createdAt: Date.now(),
  };
  scopeOutcome(await resources.addScope(resourceId, scope));
  audit('resource.scope.created', { resourceId, scopeId: scope.id });
  return json(201, scopeView(resourceId, scope));
}

export async function updateResourceScope(event: APIGatewayProxyEvent) {
  const resourceId = param(event, 'id');
  const scopeId = param(event, 'scopeId');
  const body = jsonBody(event, updateScopeSchema);
  checkScopeName(body.name);
  const scope = scopeOutcome(await resources.updateScope(resourceId, scopeId, body));
  audit('resource.scope.updated', { resourceId, scopeId });
  return json(200, scopeView(resourceId, scope));
}

export async function deleteResourceScope(event: APIGatewayProxyEvent) {
  const resourceId = param(event, 'id');
  const scopeId = param(event, 'scopeId');
  const outcome = await resources.deleteScope(resourceId, scopeId);
  if (outcome.status !== 'ok') throw errors.deleteNotFound(outcome.status === 'not_found' ? 'API resource' : 'scope');
  audit('resource.scope.deleted', { resourceId, scopeId });
  return noContent();
}

// Roles

/** Where each scope id lives: scope ids are unique across resources. */
async function locateScopes(scopeIds: readonly string[]): Promise<ScopeRef[]> {
  const owners = new Map<string, string>();
  for (const resource of await resources.listResources()) {
    for (const scope of resource.scopes) owners.set(scope.id, resource.id);
  }
  return scopeIds.map((scopeId) => {
    const resourceId = owners.get(scopeId);
    if (!resourceId) throw errors.notFound('scope');
    return { resourceId, scopeId };
  });
}

function roleOutcome<T>(outcome: roles.RoleWrite<T>): T {
  if (outcome.status === 'ok') return outcome.value;
  if (outcome.status === 'name_in_use') throw errors.roleNameInUse();
  if (outcome.status === 'scope_exists') throw errors.roleScopeExists();
  throw errors.notFound('role');
}

export async function createRole(event: APIGatewayProxyEvent) {
  const body = jsonBody(event, createRoleSchema);
  const role: Role = {
    id: newId(),
    name: body.name,
    description: body.description,
    type: 'User',
    isDefault: body.isDefault ?? false,
    scopes: body.scopeIds ? await locateScopes(body.scopeIds) : [],
    createdAt: Date.now(),
  };
  if ((await roles.createRole(role)) === 'name_in_use') throw errors.roleNameInUse();
  audit('role.created', { id: role.id });
  return json(200, roleView(role));
}

export async function listRoles() {
  return json(200, (await roles.listRoles()).map(roleView));
}

export async function getRole(event: APIGatewayProxyEvent) {
  const role = await roles.getRole(param(event, 'id'));
  if (!role) throw errors.notFound('role');
  return json(200, roleView(role));
}

export async function updateRole(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const body = jsonBody(event, updateRoleSchema);
  const role = roleOutcome(await roles.updateRole(id, body));
  audit('role.updated', { id });
  return json(200, roleView(role));
}

export async function deleteRole(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  if (!(await roles.deleteRole(id))) throw errors.notFound('role');
  audit('role.deleted', { id });
  return noContent();
}

/** Logto's ScopeResponse: the scope with its resource. Scopes deleted since they were granted are left out. */
async function scopesOf(role: Role) {
  const byId = new Map((await resources.listResources()).map((resource) => [resource.id, resource]));
  return role.scopes.flatMap(({ resourceId, scopeId }) => {
    const resource = byId.get(resourceId);
    const scope = resource?.scopes.find((each) => each.id === scopeId);
    return resource && scope ? [{ ...scopeView(resourceId, scope), resource: resourceView(resource) }] : [];
  });
}

export async function listRoleScopes(event: APIGatewayProxyEvent) {
  const role = await roles.getRole(param(event, 'id'));
  if (!role) throw errors.notFound('role');
  return json(200, await scopesOf(role));
}

export async function addRoleScopes(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const { scopeIds } = jsonBody(event, roleScopesSchema);
  const role = roleOutcome(await roles.addRoleScopes(id, await locateScopes(scopeIds)));
  audit('role.scopes.added', { id, scopeIds });
  return json(
    201,
    (await scopesOf(role)).map(({ resource: _resource, ...scope }) => scope),
  );
}

export async function deleteRoleScope(event: APIGatewayProxyEvent) {
  const id = param(event, 'id');
  const scopeId = param(event, 'scopeId');
  if (!roleOutcome(await roles.removeRoleScope(id, scopeId))) throw errors.deleteNotFound('role scope');
  audit('role.scope.removed', { id, scopeId });
  return noContent();
}

// A user's roles

async function registeredUser(event: APIGatewayProxyEvent) {
  const user = await getUser(userIdParameter(event));
  if (!user) throw errors.notFound('user');
  return user;
}

export async function listUserRoles(event: APIGatewayProxyEvent) {
  const user = await registeredUser(event);
  const assigned = new Set(await roles.getUserRoleIds(user.id, user.createdAt));
  return json(200, (await roles.listRoles()).filter((role) => assigned.has(role.id)).map(roleView));
}

export async function assignUserRoles(event: APIGatewayProxyEvent) {
  const { roleIds } = jsonBody(event, userRolesSchema);
  const user = await registeredUser(event);
  const known = await Promise.all(roleIds.map((id) => roles.getRole(id)));
  if (known.some((role) => !role)) throw errors.notFound('role');
  const outcome = await roles.changeUserRoles(user.id, user.createdAt, 'user.roles_assigned', (current) => {
    const addedRoleIds = roleIds.filter((id) => !current.includes(id));
    return { roleIds: [...current, ...addedRoleIds], value: addedRoleIds };
  });
  if (outcome === 'user_not_found') throw errors.notFound('user');
  audit('user.roles.assigned', { userId: user.id, addedRoleIds: outcome });
  return json(201, { roleIds, addedRoleIds: outcome });
}

export async function removeUserRole(event: APIGatewayProxyEvent) {
  const user = await registeredUser(event);
  const roleId = param(event, 'roleId');
  const outcome = await roles.changeUserRoles(user.id, user.createdAt, 'user.role_removed', (current) => ({
    roleIds: current.filter((id) => id !== roleId),
    value: current.includes(roleId),
  }));
  if (outcome === 'user_not_found') throw errors.notFound('user');
  if (!outcome) throw errors.deleteNotFound('role of the user');
  audit('user.role.removed', { userId: user.id, roleId });
  return noContent();
}
