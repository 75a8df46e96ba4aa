/** Resource scopes, roles, and users' roles: Logto's RBAC Management API. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError } from '../shared/errors';
import { json, noContent } from '../shared/http/responses';
import { jsonBody, userIdParameter, validate } from '../shared/management/request';
import {
  createRoleSchema,
  createScopeSchema,
  replaceUserRolesSchema,
  roleListQuerySchema,
  roleScopesSchema,
  updateRoleSchema,
  updateScopeSchema,
  userRolesSchema,
} from '../shared/management/schemas';
import type { ApiResource, ResourceScope } from '../shared/model/resource';
import type { Role, ScopeRef } from '../shared/model/role';
import { pageOf, searched } from '../pats/pagination';
import type { AuditCaller } from '../shared/store/audit';
import * as resources from '../shared/store/resources';
import * as roles from '../shared/store/roles';
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

/** Logto's codes for these routes. */
const errors = {
  notFound,
  deleteNotFound,
  scopeNameExists: () => new ApiError(422, 'scope.name_exists', 'The resource already has a scope with this name.'),
  roleNameInUse: () => new ApiError(422, 'role.name_in_use', 'A role with this name already exists.'),
  roleScopeExists: () => new ApiError(422, 'role.scope_exists', 'The role already has this scope.'),
  invalidRoleType: () =>
    new ApiError(422, 'user.invalid_role_type', 'Invalid role type, can not assign machine-to-machine role to user.'),
};

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

function scopeOutcome<T>(outcome: resources.ScopeWrite<T>): T {
  if (outcome.status === 'ok') return outcome.value;
  if (outcome.status === 'name_exists') throw errors.scopeNameExists();
  throw errors.notFound(outcome.status === 'not_found' ? 'API resource' : 'scope');
}

// Resource scopes

const scopeSearchFields = (scope: ResourceScope) => [scope.name, scope.description];
const roleSearchFields = (role: Role) => [role.id, role.name, role.description];

/** Logto's list: always paginated, `search` on the scope's name and description. */
export async function listResourceScopes(event: APIGatewayProxyEvent) {
  const resourceId = idParam(event, 'id');
  const resource = await resources.getResource(resourceId);
  // As in Logto, an unknown resource simply has no scopes.
  const { items, headers } = pageOf(event, searched(event, 'search', resource?.scopes ?? [], scopeSearchFields));
  return json(
    200,
    items.map((scope) => scopeView(resourceId, scope)),
    headers,
  );
}

export async function createResourceScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const resourceId = idParam(event, 'id');
  const body = jsonBody(event, createScopeSchema);
  checkScopeName(body.name);
  const scope: ResourceScope = {
    id: newId(),
    name: body.name,
    description: body.description ?? null,
    createdAt: Date.now(),
  };
  scopeOutcome(await resources.addScope(caller, resourceId, scope));
  logChange('resource.scope.created', { resourceId, scopeId: scope.id });
  return json(201, scopeView(resourceId, scope));
}

export async function updateResourceScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const resourceId = idParam(event, 'id');
  const scopeId = idParam(event, 'scopeId');
  const body = jsonBody(event, updateScopeSchema);
  checkScopeName(body.name);
  const scope = scopeOutcome(await resources.updateScope(caller, resourceId, scopeId, body));
  logChange('resource.scope.updated', { resourceId, scopeId });
  return json(200, scopeView(resourceId, scope));
}

export async function deleteResourceScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const resourceId = idParam(event, 'id');
  const scopeId = idParam(event, 'scopeId');
  const outcome = await resources.deleteScope(caller, resourceId, scopeId);
  if (outcome.status !== 'ok') throw errors.deleteNotFound(outcome.status === 'not_found' ? 'API resource' : 'scope');
  logChange('resource.scope.deleted', { resourceId, scopeId });
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

export async function createRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createRoleSchema);
  const role: Role = {
    id: newId(),
    name: body.name,
    description: body.description,
    type: body.type ?? 'User',
    isDefault: body.isDefault ?? false,
    scopes: body.scopeIds ? await locateScopes(body.scopeIds) : [],
    createdAt: Date.now(),
  };
  if ((await roles.createRole(caller, role)) === 'name_in_use') throw errors.roleNameInUse();
  logChange('role.created', { id: role.id });
  return json(200, roleView(role));
}

/** Logto's list: always paginated, `search` on id, name and description, `type` filter. */
export async function listRoles(event: APIGatewayProxyEvent) {
  const { type } = validate(roleListQuerySchema, event.queryStringParameters ?? {}, 'query');
  const all = (await roles.listRoles()).filter((role) => type === undefined || role.type === type);
  const { items, headers } = pageOf(event, searched(event, 'search', all, roleSearchFields));
  return json(200, items.map(roleView), headers);
}

export async function getRole(event: APIGatewayProxyEvent) {
  const role = await roles.getRole(idParam(event, 'id'));
  if (!role) throw errors.notFound('role');
  return json(200, roleView(role));
}

export async function updateRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const body = jsonBody(event, updateRoleSchema);
  const role = roleOutcome(await roles.updateRole(caller, id, body));
  logChange('role.updated', { id });
  return json(200, roleView(role));
}

export async function deleteRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  if (!(await roles.deleteRole(caller, id))) throw errors.notFound('role');
  logChange('role.deleted', { id });
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

/** Logto's list: paginated only when `page` or `page_size` is given; `search` on name and description. */
export async function listRoleScopes(event: APIGatewayProxyEvent) {
  const role = await roles.getRole(idParam(event, 'id'));
  if (!role) throw errors.notFound('role');
  const scopes = searched(event, 'search', await scopesOf(role), scopeSearchFields);
  const { items, headers } = pageOf(event, scopes, { optional: true });
  return json(200, items, headers);
}

export async function addRoleScopes(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const { scopeIds } = jsonBody(event, roleScopesSchema);
  const role = roleOutcome(await roles.addRoleScopes(caller, id, await locateScopes(scopeIds)));
  logChange('role.scopes.added', { id, scopeIds });
  return json(
    201,
    (await scopesOf(role)).map(({ resource: _resource, ...scope }) => scope),
  );
}

export async function deleteRoleScope(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParam(event, 'id');
  const scopeId = idParam(event, 'scopeId');
  if (!roleOutcome(await roles.removeRoleScope(caller, id, scopeId))) throw errors.deleteNotFound('role scope');
  logChange('role.scope.removed', { id, scopeId });
  return noContent();
}

// A user's roles

async function registeredUser(event: APIGatewayProxyEvent) {
  const user = await getUser(userIdParameter(event));
  if (!user) throw errors.notFound('user');
  return user;
}

/** Logto's list: always paginated, `search` as GET /api/roles. */
export async function listUserRoles(event: APIGatewayProxyEvent) {
  const user = await registeredUser(event);
  const assigned = new Set(await roles.getUserRoleIds(user.id, user.createdAt));
  const all = (await roles.listRoles()).filter((role) => assigned.has(role.id));
  const { items, headers } = pageOf(event, searched(event, 'search', all, roleSearchFields));
  return json(200, items.map(roleView), headers);
}

/** Every role exists (else Logto's 404) and is a User role (else Logto's 422 `user.invalid_role_type`). */
async function requireUserRoles(roleIds: readonly string[]) {
  const known = await Promise.all(roleIds.map((id) => roles.getRole(id)));
  if (known.some((role) => !role)) throw errors.notFound('role');
  if (known.some((role) => role!.type !== 'User')) throw errors.invalidRoleType();
}

export async function assignUserRoles(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const { roleIds } = jsonBody(event, userRolesSchema);
  const user = await registeredUser(event);
  await requireUserRoles(roleIds);
  const outcome = await roles.changeUserRoles(caller, user.id, user.createdAt, 'user.roles_assigned', (current) => {
    const addedRoleIds = roleIds.filter((id) => !current.includes(id));
    return { roleIds: [...current, ...addedRoleIds], value: addedRoleIds };
  });
  if (outcome === 'user_not_found') throw errors.notFound('user');
  logChange('user.roles.assigned', { userId: user.id, addedRoleIds: outcome });
  return json(201, { roleIds, addedRoleIds: outcome });
}

/** Logto's PUT /users/:userId/roles: the user's roles become exactly these (one conditional write); 200, no body. */
export async function replaceUserRoles(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const roleIds = distinct(jsonBody(event, replaceUserRolesSchema).roleIds);
  const user = await registeredUser(event);
  await requireUserRoles(roleIds);
  const outcome = await roles.changeUserRoles(caller, user.id, user.createdAt, 'user.roles_replaced', () => ({
    roleIds,
    value: true,
  }));
  if (outcome === 'user_not_found') throw errors.notFound('user');
  logChange('user.roles.replaced', { userId: user.id, roleIds });
  return { ...noContent(), statusCode: 200 };
}

export async function removeUserRole(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const user = await registeredUser(event);
  const roleId = idParam(event, 'roleId');
  const outcome = await roles.changeUserRoles(caller, user.id, user.createdAt, 'user.role_removed', (current) => ({
    roleIds: current.filter((id) => id !== roleId),
    value: current.includes(roleId),
  }));
  if (outcome === 'user_not_found') throw errors.notFound('user');
  if (!outcome) throw errors.deleteNotFound('role of the user');
  logChange('user.role.removed', { userId: user.id, roleId });
  return noContent();
}
