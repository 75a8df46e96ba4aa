/**
 * The single source of truth for patgate's HTTP surface.
 *
 * The CDK stack builds API Gateway from this table and the local gateway serves from it.
 * Each handler name is a folder under `lambdas/` holding a `handler.ts` that exports `handler`.
 * This module must stay free of runtime dependencies: it is imported by CDK code and Lambda bundles alike.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** `iam`: API Gateway IAM auth (SigV4, service `execute-api`). `none`: public; the handler authenticates. */
export type RouteAuth = 'iam' | 'none';

export type HandlerName = 'token' | 'discovery' | 'pats' | 'admin' | 'organizations' | 'revocation' | 'credentials';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway resource path, with `{param}` placeholders. */
  readonly path: string;
  readonly handler: HandlerName;
  readonly auth: RouteAuth;
  /**
   * Stable operation id: the method's operation name in API Gateway, which the handler dispatches on (so this table
   * stays out of the bundles), metric dimension, OpenAPI operationId.
   */
  readonly operation: string;
}

const PATS = '/api/users/{userId}/personal-access-tokens';
// API Gateway allows one name per path level: {id} here is the resource id (Logto's :resourceId).
const SCOPES = '/api/resources/{id}/scopes';
const USER_ROLES = '/api/users/{userId}/roles';
const ORGS = '/api/organizations';
const MEMBERS = '/api/organizations/{id}/users';
const MEMBER_ROLES = '/api/organizations/{id}/users/{userId}/roles';
const ORG_SCOPES = '/api/organization-scopes';
const ORG_ROLES = '/api/organization-roles';

export const routes = [
  // OAuth / OIDC (public)
  { method: 'POST', path: '/oidc/token', handler: 'token', auth: 'none', operation: 'exchangeToken' },
  {
    method: 'POST',
    path: '/oidc/token/introspection',
    handler: 'revocation',
    auth: 'none',
    operation: 'introspectToken',
  },
  { method: 'POST', path: '/oidc/token/revocation', handler: 'revocation', auth: 'none', operation: 'revokeToken' },
  // Leaked-credential revocation for secret scanners (public, rate-limited by its own WAF rule).
  { method: 'POST', path: '/credentials/revoke', handler: 'credentials', auth: 'none', operation: 'revokeCredentials' },
  { method: 'GET', path: '/oidc/jwks', handler: 'discovery', auth: 'none', operation: 'getJwks' },
  {
    method: 'GET',
    path: '/oidc/.well-known/openid-configuration',
    handler: 'discovery',
    auth: 'none',
    operation: 'getOpenIdConfiguration',
  },
  {
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    handler: 'discovery',
    auth: 'none',
    operation: 'getAuthorizationServerMetadata',
  },

  // Self-service: the PAT in `Authorization: Bearer` describes or revokes itself (public; rate-limited by WAF like /oidc/token)
  {
    method: 'GET',
    path: '/me/personal-access-token',
    handler: 'token',
    auth: 'none',
    operation: 'getSelfPersonalAccessToken',
  },
  {
    method: 'DELETE',
    path: '/me/personal-access-token',
    handler: 'token',
    auth: 'none',
    operation: 'revokeSelfPersonalAccessToken',
  },

  // Users and their personal access tokens (IAM)
  { method: 'POST', path: '/api/users', handler: 'pats', auth: 'iam', operation: 'createUser' },
  { method: 'GET', path: '/api/users', handler: 'pats', auth: 'iam', operation: 'listUsers' },
  { method: 'GET', path: '/api/users/{userId}', handler: 'pats', auth: 'iam', operation: 'getUser' },
  { method: 'PATCH', path: '/api/users/{userId}', handler: 'pats', auth: 'iam', operation: 'updateUser' },
  { method: 'DELETE', path: '/api/users/{userId}', handler: 'pats', auth: 'iam', operation: 'deleteUser' },
  { method: 'POST', path: PATS, handler: 'pats', auth: 'iam', operation: 'createPersonalAccessToken' },
  { method: 'GET', path: PATS, handler: 'pats', auth: 'iam', operation: 'listPersonalAccessTokens' },
  { method: 'PATCH', path: PATS, handler: 'pats', auth: 'iam', operation: 'renamePersonalAccessToken' },
  { method: 'DELETE', path: PATS, handler: 'pats', auth: 'iam', operation: 'revokeAllPersonalAccessTokens' },
  { method: 'POST', path: `${PATS}/delete`, handler: 'pats', auth: 'iam', operation: 'deletePersonalAccessToken' },
  {
    method: 'PATCH',
    path: `${PATS}/{name}`,
    handler: 'pats',
    auth: 'iam',
    operation: 'renamePersonalAccessTokenByPath',
  },
  {
    method: 'DELETE',
    path: `${PATS}/{name}`,
    handler: 'pats',
    auth: 'iam',
    operation: 'deletePersonalAccessTokenByPath',
  },
  {
    method: 'POST',
    path: `${PATS}/{name}/rotate`,
    handler: 'pats',
    auth: 'iam',
    operation: 'rotatePersonalAccessToken',
  },
  {
    method: 'PATCH',
    path: '/api/users/{userId}/is-suspended',
    handler: 'pats',
    auth: 'iam',
    operation: 'setUserSuspended',
  },

  // Applications (OAuth clients) and API resources (IAM)
  { method: 'POST', path: '/api/applications', handler: 'admin', auth: 'iam', operation: 'createApplication' },
  { method: 'GET', path: '/api/applications', handler: 'admin', auth: 'iam', operation: 'listApplications' },
  { method: 'GET', path: '/api/applications/{id}', handler: 'admin', auth: 'iam', operation: 'getApplication' },
  { method: 'PATCH', path: '/api/applications/{id}', handler: 'admin', auth: 'iam', operation: 'updateApplication' },
  { method: 'DELETE', path: '/api/applications/{id}', handler: 'admin', auth: 'iam', operation: 'deleteApplication' },
  { method: 'POST', path: '/api/resources', handler: 'admin', auth: 'iam', operation: 'createResource' },
  { method: 'GET', path: '/api/resources', handler: 'admin', auth: 'iam', operation: 'listResources' },
  { method: 'GET', path: '/api/resources/{id}', handler: 'admin', auth: 'iam', operation: 'getResource' },
  { method: 'PATCH', path: '/api/resources/{id}', handler: 'admin', auth: 'iam', operation: 'updateResource' },
  { method: 'DELETE', path: '/api/resources/{id}', handler: 'admin', auth: 'iam', operation: 'deleteResource' },

  // The audit trail (IAM)
  { method: 'GET', path: '/api/audit-logs', handler: 'admin', auth: 'iam', operation: 'listAuditLogs' },
  {
    method: 'GET',
    path: '/api/users/{userId}/audit-logs',
    handler: 'admin',
    auth: 'iam',
    operation: 'listUserAuditLogs',
  },

  // Resource scopes, roles and users' roles: Logto's RBAC (IAM)
  { method: 'GET', path: SCOPES, handler: 'admin', auth: 'iam', operation: 'listResourceScopes' },
  { method: 'POST', path: SCOPES, handler: 'admin', auth: 'iam', operation: 'createResourceScope' },
  { method: 'PATCH', path: `${SCOPES}/{scopeId}`, handler: 'admin', auth: 'iam', operation: 'updateResourceScope' },
  { method: 'DELETE', path: `${SCOPES}/{scopeId}`, handler: 'admin', auth: 'iam', operation: 'deleteResourceScope' },
  { method: 'GET', path: '/api/roles', handler: 'admin', auth: 'iam', operation: 'listRoles' },
  { method: 'POST', path: '/api/roles', handler: 'admin', auth: 'iam', operation: 'createRole' },
  { method: 'GET', path: '/api/roles/{id}', handler: 'admin', auth: 'iam', operation: 'getRole' },
  { method: 'PATCH', path: '/api/roles/{id}', handler: 'admin', auth: 'iam', operation: 'updateRole' },
  { method: 'DELETE', path: '/api/roles/{id}', handler: 'admin', auth: 'iam', operation: 'deleteRole' },
  { method: 'GET', path: '/api/roles/{id}/scopes', handler: 'admin', auth: 'iam', operation: 'listRoleScopes' },
  { method: 'POST', path: '/api/roles/{id}/scopes', handler: 'admin', auth: 'iam', operation: 'addRoleScopes' },
  {
    method: 'DELETE',
    path: '/api/roles/{id}/scopes/{scopeId}',
    handler: 'admin',
    auth: 'iam',
    operation: 'deleteRoleScope',
  },
  { method: 'GET', path: USER_ROLES, handler: 'admin', auth: 'iam', operation: 'listUserRoles' },
  { method: 'POST', path: USER_ROLES, handler: 'admin', auth: 'iam', operation: 'assignUserRoles' },
  { method: 'PUT', path: USER_ROLES, handler: 'admin', auth: 'iam', operation: 'replaceUserRoles' },
  { method: 'DELETE', path: `${USER_ROLES}/{roleId}`, handler: 'admin', auth: 'iam', operation: 'removeUserRole' },

  // Organizations, members, members' roles, organization scopes and roles (IAM)
  { method: 'POST', path: ORGS, handler: 'organizations', auth: 'iam', operation: 'createOrganization' },
  { method: 'GET', path: ORGS, handler: 'organizations', auth: 'iam', operation: 'listOrganizations' },
  { method: 'GET', path: `${ORGS}/{id}`, handler: 'organizations', auth: 'iam', operation: 'getOrganization' },
  { method: 'PATCH', path: `${ORGS}/{id}`, handler: 'organizations', auth: 'iam', operation: 'updateOrganization' },
  { method: 'DELETE', path: `${ORGS}/{id}`, handler: 'organizations', auth: 'iam', operation: 'deleteOrganization' },
  { method: 'GET', path: MEMBERS, handler: 'organizations', auth: 'iam', operation: 'listOrganizationUsers' },
  { method: 'POST', path: MEMBERS, handler: 'organizations', auth: 'iam', operation: 'addOrganizationUsers' },
  { method: 'PUT', path: MEMBERS, handler: 'organizations', auth: 'iam', operation: 'replaceOrganizationUsers' },
  {
    method: 'DELETE',
    path: `${MEMBERS}/{userId}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'removeOrganizationUser',
  },
  {
    method: 'GET',
    path: '/api/users/{userId}/organizations',
    handler: 'organizations',
    auth: 'iam',
    operation: 'listUserOrganizations',
  },
  { method: 'GET', path: MEMBER_ROLES, handler: 'organizations', auth: 'iam', operation: 'listMemberRoles' },
  { method: 'POST', path: MEMBER_ROLES, handler: 'organizations', auth: 'iam', operation: 'assignMemberRoles' },
  { method: 'PUT', path: MEMBER_ROLES, handler: 'organizations', auth: 'iam', operation: 'replaceMemberRoles' },
  {
    method: 'DELETE',
    path: `${MEMBER_ROLES}/{organizationRoleId}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'removeMemberRole',
  },
  { method: 'POST', path: ORG_SCOPES, handler: 'organizations', auth: 'iam', operation: 'createOrganizationScope' },
  { method: 'GET', path: ORG_SCOPES, handler: 'organizations', auth: 'iam', operation: 'listOrganizationScopes' },
  {
    method: 'GET',
    path: `${ORG_SCOPES}/{id}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'getOrganizationScope',
  },
  {
    method: 'PATCH',
    path: `${ORG_SCOPES}/{id}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'updateOrganizationScope',
  },
  {
    method: 'DELETE',
    path: `${ORG_SCOPES}/{id}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'deleteOrganizationScope',
  },
  { method: 'POST', path: ORG_ROLES, handler: 'organizations', auth: 'iam', operation: 'createOrganizationRole' },
  { method: 'GET', path: ORG_ROLES, handler: 'organizations', auth: 'iam', operation: 'listOrganizationRoles' },
  { method: 'GET', path: `${ORG_ROLES}/{id}`, handler: 'organizations', auth: 'iam', operation: 'getOrganizationRole' },
  {
    method: 'PATCH',
    path: `${ORG_ROLES}/{id}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'updateOrganizationRole',
  },
  {
    method: 'DELETE',
    path: `${ORG_ROLES}/{id}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'deleteOrganizationRole',
  },
  {
    method: 'GET',
    path: `${ORG_ROLES}/{id}/scopes`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'listOrganizationRoleScopes',
  },
  {
    method: 'POST',
    path: `${ORG_ROLES}/{id}/scopes`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'addOrganizationRoleScopes',
  },
  {
    method: 'PUT',
    path: `${ORG_ROLES}/{id}/scopes`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'replaceOrganizationRoleScopes',
  },
  {
    method: 'DELETE',
    path: `${ORG_ROLES}/{id}/scopes/{organizationScopeId}`,
    handler: 'organizations',
    auth: 'iam',
    operation: 'removeOrganizationRoleScope',
  },

  // The OpenAPI 3.1 document of this table (IAM, like the rest of the Management API)
  { method: 'GET', path: '/api/openapi.json', handler: 'admin', auth: 'iam', operation: 'getOpenApiDocument' },
] as const satisfies readonly Route[];

export type Operation = (typeof routes)[number]['operation'];
export type OperationsOf<H extends HandlerName> = Extract<(typeof routes)[number], { handler: H }>['operation'];

export const handlerNames: readonly HandlerName[] = [...new Set(routes.map((route) => route.handler))];

/** Finds the route API Gateway matched, from the event's `httpMethod` and `resource`. */
export function findRoute(method: string, resource: string): Route | undefined {
  return routes.find((route) => route.method === method && route.path === resource);
}
