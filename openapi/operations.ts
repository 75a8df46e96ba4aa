/**
 * What the route table can't say about each operation: its summary, request body and responses.
 * Keyed by the route table's operation ids, so a route added without documentation fails type-checking;
 * methods, paths, parameters and auth come from the route table itself.
 */
import { z } from 'zod';
import type { Operation } from '../lambdas/routes';
import * as requests from '../lambdas/shared/management/schemas';
import * as responses from './schemas';

export type Tag =
  | 'Personal access tokens'
  | 'Users'
  | 'Applications'
  | 'API resources'
  | 'Roles'
  | 'Organizations'
  | 'Audit'
  | 'OAuth'
  | 'Meta';

/** Error responses, shared through `components.responses`. `schema` names a component schema. */
export const errorResponses = {
  InvalidInput: {
    status: 400,
    schema: 'ManagementError',
    description: 'The request is invalid (`guard.invalid_input`)',
  },
  Forbidden: {
    status: 403,
    schema: 'GatewayError',
    description: 'API Gateway: a missing or invalid SigV4 signature, or a caller IAM does not allow',
  },
  NotFound: { status: 404, schema: 'ManagementError', description: 'Not found (`entity.not_exists`)' },
  UnsupportedMediaType: {
    status: 415,
    schema: 'ManagementError',
    description: 'The request body is not JSON (`guard.unsupported_media_type`)',
  },
  Conflict: { status: 422, schema: 'ManagementError', description: 'The name or indicator is already taken' },
  Throttled: { status: 429, schema: 'GatewayError', description: 'API Gateway: too many requests' },
  Unavailable: {
    status: 503,
    schema: 'ManagementError',
    description: 'A dependency is temporarily unavailable; retry after `Retry-After` seconds',
    retryAfter: true,
  },
  OAuthInvalidRequest: {
    status: 400,
    schema: 'OAuthError',
    description: 'RFC 6749 §5.2 / RFC 8693 error: `invalid_request`, `invalid_scope`, `invalid_target`, …',
  },
  OAuthInvalidClient: {
    status: 401,
    schema: 'OAuthError',
    description: 'Client authentication failed (`invalid_client`)',
  },
  OAuthAccessDenied: {
    status: 403,
    schema: 'OAuthError',
    description: '`access_denied`: an organization token asked for by a user who is not a member (as Logto)',
  },
  InvalidBearerPat: {
    status: 401,
    schema: 'OAuthError',
    description:
      'RFC 6750: no `Authorization: Bearer` PAT (`invalid_request`), or one that is not valid (`invalid_token`): ' +
      'unknown, revoked, expired and rotated-out values get the same answer',
  },
  OAuthUnavailable: {
    status: 503,
    schema: 'OAuthError',
    description: '`temporarily_unavailable`: retry after `Retry-After` seconds',
    retryAfter: true,
  },
} as const satisfies Record<string, { status: number; schema: string; description: string; retryAfter?: boolean }>;

export type ErrorResponse = keyof typeof errorResponses;

export interface OperationDoc {
  summary: string;
  description?: string;
  tag: Tag;
  /** A JSON request body (the Management API). */
  body?: z.core.$ZodType;
  /** An application/x-www-form-urlencoded request body (the token endpoint). */
  form?: z.core.$ZodType;
  /** Success responses by status; null: no content. */
  success: Readonly<Record<number, z.core.$ZodType | null>>;
  /** Errors particular to this operation; those common to its kind of route are added by the builder. */
  errors?: readonly ErrorResponse[];
  /** Optional query parameters, by name. */
  query?: Readonly<Record<string, { schema: z.core.$ZodType; description: string }>>;
  /** Headers of the success response, by name. */
  headers?: Readonly<Record<string, { schema: Record<string, unknown>; description: string }>>;
}

/** Logto's list conventions (page/page_size; Total-Number and Link). */
const pageQuery = {
  page: { schema: requests.paginationSchema.shape.page, description: 'The page, from 1' },
  page_size: { schema: requests.paginationSchema.shape.page_size, description: 'Items per page' },
};
const pageHeaders = {
  'Total-Number': { schema: { type: 'integer', minimum: 0 }, description: 'Items over all pages' },
  Link: { schema: { type: 'string' }, description: 'RFC 8288 links to the first, prev, next and last pages' },
};

const searchQuery = <N extends 'search' | 'q'>(name: N, fields: string) =>
  ({
    [name]: { schema: responses.userSearchSchema, description: `Case-insensitive, against ${fields}` },
  }) as Record<N, { schema: typeof responses.userSearchSchema; description: string }>;
/** Logto's optional pagination: only with `page` or `page_size` is the list paged (and the headers sent). */
const optionalPaging = 'Paged, with `Total-Number` and `Link` headers, only when `page` or `page_size` is given.';

const auditQuery = {
  ...pageQuery,
  userId: { schema: requests.auditQuerySchema.shape.userId, description: "The user's events (and their PATs')" },
  patName: { schema: requests.auditQuerySchema.shape.patName, description: 'Events of PATs with this name' },
  action: { schema: requests.auditQuerySchema.shape.action, description: 'e.g. `pat.created`' },
  from: { schema: requests.auditQuerySchema.shape.from, description: 'From this time (epoch ms, inclusive)' },
  to: { schema: requests.auditQuerySchema.shape.to, description: 'Until this time (epoch ms, inclusive)' },
};

export const operationDocs = {
  exchangeToken: {
    tag: 'OAuth',
    summary: 'Exchange a personal access token for an access token (RFC 8693)',
    description:
      'Confidential clients authenticate with HTTP Basic (client_secret_basic) or client_secret_post; ' +
      'public clients (SPA, Native) send client_id alone.',
    form: responses.tokenRequestSchema,
    success: { 200: responses.tokenResponseSchema },
    errors: ['OAuthAccessDenied'],
  },
  introspectToken: {
    tag: 'OAuth',
    summary: 'Introspect an access token (RFC 7662)',
    description:
      'Client-authenticated as the token endpoint. `active: false` at once for a token whose PAT was deleted, ' +
      'rotated out or expired, whose user is suspended, deleted or had all PATs revoked, or whose jti was revoked. ' +
      'Public clients may introspect only their own tokens.',
    form: responses.introspectionRequestSchema,
    success: { 200: responses.introspectionResponseSchema },
  },
  revokeToken: {
    tag: 'OAuth',
    summary: 'Revoke an access token or a personal access token (RFC 7009)',
    description:
      'A PAT value (`token_type_hint=urn:logto:token-type:personal_access_token`) is deleted; an access token ' +
      "of the calling client is revoked until its exp. Unknown or invalid tokens answer 200 too; another client's " +
      'access token answers 400 `unauthorized_client`.',
    form: responses.revocationRequestSchema,
    success: { 200: null },
  },
  revokeCredentials: {
    tag: 'OAuth',
    summary: 'Revoke leaked personal access tokens (for secret scanners)',
    description:
      "Public, like GitHub's credential revocation API: up to 1,000 values; every live PAT among them is deleted. " +
      'The answer is the same whichever values were real. Rate-limited per IP by its own WAF rule.',
    body: requests.revokeCredentialsSchema,
    success: { 202: responses.credentialsRevokedSchema },
    errors: ['InvalidInput'],
  },
  listAuditLogs: {
    tag: 'Audit',
    summary: 'List audit events, newest first',
    description: 'Every management change, written in the same transaction as the change. Kept one year by default.',
    query: auditQuery,
    success: { 200: responses.auditEventSchema.array() },
    headers: pageHeaders,
  },
  listUserAuditLogs: {
    tag: 'Audit',
    summary: "List a user's audit events (their user and PAT changes), newest first",
    query: (({ userId: _userId, ...rest }) => rest)(auditQuery),
    success: { 200: responses.auditEventSchema.array() },
    headers: pageHeaders,
  },
  getSelfPersonalAccessToken: {
    tag: 'Personal access tokens',
    summary: 'Describe the personal access token presented in `Authorization: Bearer`',
    description: 'Self-service, as GitLab’s `/personal_access_tokens/self`: authenticated by the PAT itself, not IAM.',
    success: { 200: responses.personalAccessTokenSchema },
    errors: ['InvalidBearerPat'],
  },
  revokeSelfPersonalAccessToken: {
    tag: 'Personal access tokens',
    summary: 'Revoke the personal access token presented in `Authorization: Bearer`',
    description: 'It stops working at once; it stays listed to its owner as revoked, with the reason, until deleted.',
    success: { 204: null },
    errors: ['InvalidBearerPat'],
  },
  getJwks: { tag: 'OAuth', summary: 'Public keys that verify access tokens', success: { 200: responses.jwksSchema } },
  getOpenIdConfiguration: {
    tag: 'OAuth',
    summary: 'OpenID Connect discovery metadata',
    success: { 200: responses.authorizationServerMetadataSchema },
  },
  getAuthorizationServerMetadata: {
    tag: 'OAuth',
    summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
    success: { 200: responses.authorizationServerMetadataSchema },
  },

  createPersonalAccessToken: {
    tag: 'Personal access tokens',
    summary: "Create a user's personal access token",
    description: 'The response carries the token value; it cannot be read again.',
    body: requests.createPatSchema,
    success: { 201: responses.createdPersonalAccessTokenSchema },
    errors: ['NotFound', 'Conflict'],
  },
  listPersonalAccessTokens: {
    tag: 'Personal access tokens',
    summary: "List a user's personal access tokens (without their values)",
    query: {
      unusedSince: {
        schema: requests.listPatsQuerySchema.shape.unusedSince,
        description: 'Only PATs not used since this time (epoch milliseconds); never-used PATs included',
      },
      expiringBefore: {
        schema: requests.listPatsQuerySchema.shape.expiringBefore,
        description: 'Only PATs expiring before this time (epoch milliseconds)',
      },
    },
    success: { 200: responses.personalAccessTokenSchema.array() },
    errors: ['NotFound'],
  },
  renamePersonalAccessToken: {
    tag: 'Personal access tokens',
    summary: 'Rename a personal access token',
    body: requests.renamePatSchema,
    success: { 200: responses.personalAccessTokenSchema },
    errors: ['NotFound', 'Conflict'],
  },
  revokeAllPersonalAccessTokens: {
    tag: 'Personal access tokens',
    summary: "Delete all of a user's personal access tokens",
    description: 'One write revokes them all, however many; the items are then removed.',
    success: { 204: null },
    errors: ['NotFound'],
  },
  deletePersonalAccessToken: {
    tag: 'Personal access tokens',
    summary: 'Delete a personal access token, named in the body',
    body: requests.deletePatSchema,
    success: { 204: null },
    errors: ['NotFound'],
  },
  renamePersonalAccessTokenByPath: {
    tag: 'Personal access tokens',
    summary: 'Rename a personal access token, named in the path',
    body: requests.renamePatByPathSchema,
    success: { 200: responses.personalAccessTokenSchema },
    errors: ['NotFound', 'Conflict'],
  },
  rotatePersonalAccessToken: {
    tag: 'Personal access tokens',
    summary: 'Rotate a personal access token: a new value, same name and scopes',
    description:
      'The expiry stays unless `expiresAt` is given (within the lifetime policy). The old value keeps working for ' +
      "`graceSeconds` (default 0, at most the deployment's maximum); presenting it later revokes the PAT " +
      '(reuse detection). The response carries the new value; it cannot be read again.',
    body: requests.rotatePatSchema,
    success: { 200: responses.rotatedPersonalAccessTokenSchema },
    errors: ['NotFound'],
  },
  deletePersonalAccessTokenByPath: {
    tag: 'Personal access tokens',
    summary: 'Delete a personal access token, named in the path',
    success: { 204: null },
    errors: ['NotFound'],
  },
  setUserSuspended: {
    tag: 'Users',
    summary: 'Suspend or unsuspend a user',
    description:
      "A suspended user's personal access tokens can't be exchanged from the next request on; they are kept.",
    body: requests.setSuspendedSchema,
    success: { 200: responses.userSchema },
    errors: ['NotFound'],
  },
  createUser: {
    tag: 'Users',
    summary: 'Register a user',
    description: 'Answers 200, as Logto does. `id` is optional: give the id your directory knows the user by.',
    body: requests.createUserSchema,
    success: { 200: responses.userSchema },
    errors: ['Conflict'],
  },
  listUsers: {
    tag: 'Users',
    summary: 'List users, newest first',
    query: {
      ...pageQuery,
      search: {
        schema: responses.userSearchSchema,
        description: 'Case-insensitive, against id, username, email, phone and name',
      },
    },
    success: { 200: responses.userSchema.array() },
    headers: pageHeaders,
  },
  getUser: { tag: 'Users', summary: 'Get a user', success: { 200: responses.userSchema }, errors: ['NotFound'] },
  updateUser: {
    tag: 'Users',
    summary: "Update a user's profile",
    description: '`null` or `""` clears a field.',
    body: requests.updateUserSchema,
    success: { 200: responses.userSchema },
    errors: ['NotFound', 'Conflict'],
  },
  deleteUser: {
    tag: 'Users',
    summary: 'Delete a user',
    description: "The user's personal access tokens stop working at once and are removed.",
    success: { 204: null },
    errors: ['NotFound'],
  },

  createApplication: {
    tag: 'Applications',
    summary: 'Register an application (OAuth client)',
    description: 'The response carries the secret of a confidential application; it cannot be read again.',
    body: requests.createApplicationSchema,
    success: { 201: responses.createdApplicationSchema },
  },
  listApplications: {
    tag: 'Applications',
    summary: 'List applications',
    success: { 200: responses.applicationSchema.array() },
  },
  getApplication: {
    tag: 'Applications',
    summary: 'Get an application',
    success: { 200: responses.applicationSchema },
    errors: ['NotFound'],
  },
  updateApplication: {
    tag: 'Applications',
    summary: 'Update an application',
    body: requests.updateApplicationSchema,
    success: { 200: responses.applicationSchema },
    errors: ['NotFound'],
  },
  deleteApplication: {
    tag: 'Applications',
    summary: 'Delete an application',
    success: { 204: null },
    errors: ['NotFound'],
  },

  createResource: {
    tag: 'API resources',
    summary: 'Register an API resource (RFC 8707 resource indicator)',
    body: requests.createResourceSchema,
    success: { 201: responses.apiResourceSchema },
    errors: ['Conflict'],
  },
  listResources: {
    tag: 'API resources',
    summary: 'List API resources',
    success: { 200: responses.apiResourceSchema.array() },
  },
  getResource: {
    tag: 'API resources',
    summary: 'Get an API resource',
    success: { 200: responses.apiResourceSchema },
    errors: ['NotFound'],
  },
  updateResource: {
    tag: 'API resources',
    summary: 'Update an API resource (name, accessTokenTtl, PAT policy override)',
    body: requests.updateResourceSchema,
    success: { 200: responses.apiResourceSchema },
    errors: ['NotFound'],
  },
  deleteResource: {
    tag: 'API resources',
    summary: 'Delete an API resource',
    success: { 204: null },
    errors: ['NotFound'],
  },

  listResourceScopes: {
    tag: 'API resources',
    summary: "List an API resource's scopes (none for an unknown resource, as in Logto)",
    query: { ...pageQuery, ...searchQuery('search', 'name and description') },
    success: { 200: responses.scopeSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput'],
  },
  createResourceScope: {
    tag: 'API resources',
    summary: 'Add a scope to an API resource',
    description:
      'A name with whitespace: 400 `scope.name_with_space`; a name the resource has: 422 `scope.name_exists`.',
    body: requests.createScopeSchema,
    success: { 201: responses.scopeSchema },
    errors: ['NotFound', 'Conflict'],
  },
  updateResourceScope: {
    tag: 'API resources',
    summary: 'Rename or describe a scope (tokens carry the new name within the cache TTL)',
    body: requests.updateScopeSchema,
    success: { 200: responses.scopeSchema },
    errors: ['NotFound', 'Conflict'],
  },
  deleteResourceScope: {
    tag: 'API resources',
    summary: 'Delete a scope: roles that granted it grant it no more',
    success: { 204: null },
    errors: ['NotFound'],
  },
  listRoles: {
    tag: 'Roles',
    summary: 'List roles',
    query: {
      ...pageQuery,
      ...searchQuery('search', 'id, name and description'),
      type: { schema: requests.roleListQuerySchema.shape.type, description: 'Only roles of this type' },
    },
    success: { 200: responses.roleSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput'],
  },
  createRole: {
    tag: 'Roles',
    summary: 'Create a role, optionally with scopes (answers 200, as Logto)',
    body: requests.createRoleSchema,
    success: { 200: responses.roleSchema },
    errors: ['NotFound', 'Conflict'],
  },
  getRole: { tag: 'Roles', summary: 'Get a role', success: { 200: responses.roleSchema }, errors: ['NotFound'] },
  updateRole: {
    tag: 'Roles',
    summary: 'Rename or describe a role',
    body: requests.updateRoleSchema,
    success: { 200: responses.roleSchema },
    errors: ['NotFound', 'Conflict'],
  },
  deleteRole: {
    tag: 'Roles',
    summary: 'Delete a role (tokens stop carrying its scopes within the cache TTL)',
    success: { 204: null },
    errors: ['NotFound'],
  },
  listRoleScopes: {
    tag: 'Roles',
    summary: "A role's scopes, each with its API resource",
    description: optionalPaging,
    query: { ...pageQuery, ...searchQuery('search', 'name and description') },
    success: { 200: responses.scopeWithResourceSchema.array() },
    errors: ['InvalidInput', 'NotFound'],
  },
  addRoleScopes: {
    tag: 'Roles',
    summary: "Add scopes to a role; answers all the role's scopes",
    description: 'A scope the role has: 422 `role.scope_exists`; an unknown scope id: 404.',
    body: requests.roleScopesSchema,
    success: { 201: responses.scopeSchema.array() },
    errors: ['NotFound', 'Conflict'],
  },
  deleteRoleScope: {
    tag: 'Roles',
    summary: 'Remove a scope from a role',
    success: { 204: null },
    errors: ['NotFound'],
  },
  listUserRoles: {
    tag: 'Roles',
    summary: "A user's roles",
    query: { ...pageQuery, ...searchQuery('search', 'id, name and description') },
    success: { 200: responses.roleSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput', 'NotFound'],
  },
  assignUserRoles: {
    tag: 'Roles',
    summary: 'Give a user roles (those it has are left as they are)',
    body: requests.userRolesSchema,
    success: { 201: responses.assignedRolesSchema },
    errors: ['NotFound'],
  },
  replaceUserRoles: {
    tag: 'Roles',
    summary: "Replace a user's roles (200, no body, as Logto): the next exchange carries only the new roles' scopes",
    description:
      'An unknown role: 404 `entity.not_exists_with_id`; a `MachineToMachine` role: 422 `user.invalid_role_type`.',
    body: requests.replaceUserRolesSchema,
    success: { 200: null },
    errors: ['InvalidInput', 'NotFound', 'Conflict'],
  },
  removeUserRole: {
    tag: 'Roles',
    summary: 'Take a role from a user: the next exchange no longer carries its scopes',
    success: { 204: null },
    errors: ['NotFound'],
  },

  createOrganization: {
    tag: 'Organizations',
    summary: 'Create an organization',
    body: requests.createOrganizationSchema,
    success: { 201: responses.organizationSchema },
  },
  listOrganizations: {
    tag: 'Organizations',
    summary: 'List organizations',
    query: { ...pageQuery, ...searchQuery('q', 'id and name') },
    success: { 200: responses.organizationSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput'],
  },
  getOrganization: {
    tag: 'Organizations',
    summary: 'Get an organization',
    success: { 200: responses.organizationSchema },
    errors: ['NotFound'],
  },
  updateOrganization: {
    tag: 'Organizations',
    summary: 'Update an organization',
    body: requests.updateOrganizationSchema,
    success: { 200: responses.organizationSchema },
    errors: ['NotFound'],
  },
  deleteOrganization: {
    tag: 'Organizations',
    summary: 'Delete an organization and its memberships',
    success: { 204: null },
    errors: ['NotFound'],
  },
  listOrganizationUsers: {
    tag: 'Organizations',
    summary: "An organization's members, with their organization roles",
    query: { ...pageQuery, ...searchQuery('q', "the user's id, username, email, phone and name") },
    success: { 200: responses.organizationMemberSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput', 'NotFound'],
  },
  addOrganizationUsers: {
    tag: 'Organizations',
    summary: 'Add members (users already members are left as they are)',
    description: 'An unknown user: 422 `entity.relation_foreign_key_not_found`.',
    body: requests.organizationUsersSchema,
    success: { 201: z.strictObject({ userIds: z.array(z.string()) }) },
    errors: ['NotFound', 'Conflict'],
  },
  replaceOrganizationUsers: {
    tag: 'Organizations',
    summary: "Replace an organization's members (204, as Logto), in one transaction; members kept keep their roles",
    description:
      'An unknown user: 422 `entity.relation_foreign_key_not_found`. One request changes at most 100 items (a member ' +
      'added counts twice, a member removed once, plus two): a bigger change is refused with 400 `guard.invalid_input`, never half written.',
    body: requests.replaceOrganizationUsersSchema,
    success: { 204: null },
    errors: ['InvalidInput', 'NotFound', 'Conflict'],
  },
  removeOrganizationUser: {
    tag: 'Organizations',
    summary: 'Remove a member: its next exchange for the organization is refused',
    success: { 204: null },
    errors: ['Conflict'],
  },
  listUserOrganizations: {
    tag: 'Organizations',
    summary: "A user's organizations, with the user's organization roles in each (unpaginated, as in Logto)",
    success: { 200: responses.organizationWithRolesSchema.array() },
    errors: ['NotFound'],
  },
  listMemberRoles: {
    tag: 'Organizations',
    summary: "A member's organization roles (a non-member: 422 `organization.require_membership`)",
    description: optionalPaging,
    query: pageQuery,
    success: { 200: responses.organizationRoleSchema.array() },
    errors: ['InvalidInput', 'Conflict'],
  },
  assignMemberRoles: {
    tag: 'Organizations',
    summary: 'Give a member organization roles (a non-member: 422 `organization.require_membership`)',
    body: requests.memberRolesSchema,
    success: { 201: z.strictObject({ organizationRoleIds: z.array(z.string()) }) },
    errors: ['Conflict'],
  },
  replaceMemberRoles: {
    tag: 'Organizations',
    summary: "Replace a member's organization roles (204, as Logto); bites at the next exchange",
    description:
      'A non-member: 422 `organization.require_membership`; an unknown role: 422 `entity.relation_foreign_key_not_found`.',
    body: requests.replaceMemberRolesSchema,
    success: { 204: null },
    errors: ['InvalidInput', 'Conflict'],
  },
  removeMemberRole: {
    tag: 'Organizations',
    summary: "Take an organization role from a member (bites at the member's next exchange)",
    success: { 204: null },
    errors: ['NotFound', 'Conflict'],
  },
  createOrganizationScope: {
    tag: 'Organizations',
    summary: 'Create an organization scope',
    body: requests.createOrganizationScopeSchema,
    success: { 201: responses.organizationScopeSchema },
    errors: ['Conflict'],
  },
  listOrganizationScopes: {
    tag: 'Organizations',
    summary: 'List organization scopes',
    query: { ...pageQuery, ...searchQuery('q', 'name') },
    success: { 200: responses.organizationScopeSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput'],
  },
  getOrganizationScope: {
    tag: 'Organizations',
    summary: 'Get an organization scope',
    success: { 200: responses.organizationScopeSchema },
    errors: ['NotFound'],
  },
  updateOrganizationScope: {
    tag: 'Organizations',
    summary: 'Update an organization scope',
    body: requests.updateOrganizationScopeSchema,
    success: { 200: responses.organizationScopeSchema },
    errors: ['NotFound', 'Conflict'],
  },
  deleteOrganizationScope: {
    tag: 'Organizations',
    summary: 'Delete an organization scope',
    success: { 204: null },
    errors: ['NotFound'],
  },
  createOrganizationRole: {
    tag: 'Organizations',
    summary: 'Create an organization role, optionally with organization scopes',
    body: requests.createOrganizationRoleSchema,
    success: { 201: responses.organizationRoleSchema },
    errors: ['Conflict'],
  },
  listOrganizationRoles: {
    tag: 'Organizations',
    summary: 'List organization roles',
    query: pageQuery,
    success: { 200: responses.organizationRoleSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput'],
  },
  getOrganizationRole: {
    tag: 'Organizations',
    summary: 'Get an organization role',
    success: { 200: responses.organizationRoleSchema },
    errors: ['NotFound'],
  },
  updateOrganizationRole: {
    tag: 'Organizations',
    summary: 'Update an organization role',
    body: requests.updateOrganizationRoleSchema,
    success: { 200: responses.organizationRoleSchema },
    errors: ['NotFound', 'Conflict'],
  },
  deleteOrganizationRole: {
    tag: 'Organizations',
    summary: 'Delete an organization role',
    success: { 204: null },
    errors: ['NotFound'],
  },
  listOrganizationRoleScopes: {
    tag: 'Organizations',
    summary: "An organization role's scopes",
    query: pageQuery,
    success: { 200: responses.organizationScopeSchema.array() },
    headers: pageHeaders,
    errors: ['InvalidInput', 'NotFound'],
  },
  addOrganizationRoleScopes: {
    tag: 'Organizations',
    summary: 'Add organization scopes to an organization role (201, no body, as Logto)',
    body: requests.organizationRoleScopesSchema,
    success: { 201: null },
    errors: ['NotFound', 'Conflict'],
  },
  replaceOrganizationRoleScopes: {
    tag: 'Organizations',
    summary: "Replace an organization role's scopes (204, as Logto)",
    body: requests.organizationRoleScopesSchema,
    success: { 204: null },
    errors: ['InvalidInput', 'NotFound', 'Conflict'],
  },
  removeOrganizationRoleScope: {
    tag: 'Organizations',
    summary: 'Remove an organization scope from an organization role',
    success: { 204: null },
    errors: ['NotFound'],
  },

  getOpenApiDocument: {
    tag: 'Meta',
    summary: 'This OpenAPI document',
    success: { 200: responses.openApiDocumentSchema },
  },
} satisfies Record<Operation, OperationDoc>;
