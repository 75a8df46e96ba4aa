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

export type HandlerName = 'token' | 'discovery' | 'pats' | 'admin';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway resource path, with `{param}` placeholders. */
  readonly path: string;
  readonly handler: HandlerName;
  readonly auth: RouteAuth;
  /** Stable operation id: dispatch key inside the handler, metric dimension, OpenAPI operationId. */
  readonly operation: string;
}

const PATS = '/api/users/{userId}/personal-access-tokens';

export const routes = [
  // OAuth / OIDC (public)
  { method: 'POST', path: '/oidc/token', handler: 'token', auth: 'none', operation: 'exchangeToken' },
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
  { method: 'DELETE', path: '/api/resources/{id}', handler: 'admin', auth: 'iam', operation: 'deleteResource' },

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
