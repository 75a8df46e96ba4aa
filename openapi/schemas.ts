/**
 * Response schemas of the Management API and the OAuth endpoints, and the token request form.
 * Together with the request schemas in `management/schemas.ts` they make up the OpenAPI components;
 * the contract test validates real responses against them, and the typed client derives its types from them.
 * Objects are strict so that a field added to a response without being documented fails that test.
 */
// A namespace import, not `import { z }`: esbuild can then drop the parts of zod that aren't used (its locales).
import * as z from 'zod';
import { applicationTypes } from '../lambdas/shared/model/application';
import { ACCESS_TOKEN_TYPE, PAT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../lambdas/shared/oauth';

const epochMilliseconds = z.number().int().min(0).describe('Epoch milliseconds');

export const personalAccessTokenSchema = z.strictObject({
  userId: z.string(),
  name: z.string(),
  createdAt: epochMilliseconds,
  expiresAt: epochMilliseconds.nullable().describe('Epoch milliseconds; null: never expires'),
  scopes: z.array(z.string()).nullable().describe('null: the token is not restricted to scopes'),
  lastUsedAt: epochMilliseconds
    .nullable()
    .describe('Last successful token exchange, epoch milliseconds (recorded at most once a minute)'),
  lastClientId: z.string().nullable().describe('The application (client_id) of the exchange that set lastUsedAt'),
  lastSourceIp: z.string().nullable().describe('The source IP of the exchange that set lastUsedAt'),
  rotatedAt: epochMilliseconds.nullable().describe('When the current value was issued by a rotation'),
  revokedAt: epochMilliseconds
    .nullable()
    .describe('Set when a rotated-out value was presented after its grace period: the PAT no longer works'),
  revokedReason: z.string().nullable().describe('Why the PAT was revoked'),
});

export const createdPersonalAccessTokenSchema = z.strictObject({
  ...personalAccessTokenSchema.pick({ userId: true, name: true, createdAt: true, expiresAt: true, scopes: true }).shape,
  value: z.string().describe('The token itself (`pat_…`). Returned only here: patgate stores just its SHA-256.'),
});

export const rotatedPersonalAccessTokenSchema = z.strictObject({
  ...personalAccessTokenSchema.shape,
  value: z.string().describe('The new value (`pat_…`). Returned only here.'),
});

/** Logto's user profile response; patgate keeps no passwords, identities or sign-ins, so those are empty. */
export const userSchema = z.strictObject({
  id: z.string(),
  username: z.string().nullable(),
  primaryEmail: z.string().nullable(),
  primaryPhone: z.string().nullable(),
  name: z.string().nullable(),
  avatar: z.string().nullable(),
  customData: z.record(z.string(), z.unknown()),
  identities: z.strictObject({}),
  lastSignInAt: z.null(),
  createdAt: epochMilliseconds,
  updatedAt: epochMilliseconds,
  profile: z.strictObject({}),
  applicationId: z.null(),
  isSuspended: z.boolean(),
  hasPassword: z.literal(false),
});

export const userSearchSchema = z
  .string()
  .describe('An SQL LIKE pattern (`%` any run, `_` one character), or without `%` a substring');

const overrideSeconds = z.number().int().min(1);

export const patPolicyOverrideSchema = z
  .strictObject({
    requireExpiry: z.boolean().optional().describe('Refuse PATs without an expiry'),
    maxLifetimeSeconds: overrideSeconds
      .optional()
      .describe('Refuse PATs whose value is older (since creation or last rotation)'),
    revokeUnusedAfterSeconds: overrideSeconds.optional().describe('Refuse PATs unused for longer'),
  })
  .nullable()
  .describe(
    "Tightens the deployment's PAT lifetime policy at the token exchange (never loosens it: the stricter value applies); null: none",
  );

export const applicationSchema = z.strictObject({
  id: z.string().describe('The OAuth client_id'),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(applicationTypes),
  isConfidential: z.boolean().describe('Confidential clients authenticate with a secret; SPA and Native apps do not'),
  customClientMetadata: z.strictObject({ allowTokenExchange: z.boolean() }),
  patPolicy: patPolicyOverrideSchema,
  createdAt: epochMilliseconds,
});

export const createdApplicationSchema = z.strictObject({
  ...applicationSchema.shape,
  secret: z
    .string()
    .optional()
    .describe('The client secret of a confidential application. Returned only here: patgate stores just its hash.'),
});

export const apiResourceSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  indicator: z.string().describe('RFC 8707 resource indicator: the `aud` of tokens issued for it'),
  accessTokenTtl: z.number().int().nullable().describe('Seconds; null: the service default'),
  scopes: z.array(z.string()),
  patPolicy: patPolicyOverrideSchema,
  createdAt: epochMilliseconds,
});

export const scopeSchema = z.strictObject({
  id: z.string(),
  resourceId: z.string(),
  name: z.string().describe('The scope token, as tokens carry it'),
  description: z.string().nullable(),
  createdAt: epochMilliseconds,
});

export const scopeWithResourceSchema = z.strictObject({ ...scopeSchema.shape, resource: apiResourceSchema });

export const roleSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  type: z
    .enum(['User', 'MachineToMachine'])
    .describe('MachineToMachine roles grant nothing here: no client_credentials grant'),
  isDefault: z.boolean(),
  createdAt: epochMilliseconds,
});

export const assignedRolesSchema = z.strictObject({
  roleIds: z.array(z.string()).describe('The role ids of the request'),
  addedRoleIds: z.array(z.string()).describe('Those the user did not have yet'),
});

export const organizationSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  customData: z.record(z.string(), z.unknown()),
  createdAt: epochMilliseconds,
});

export const organizationScopeSchema = z.strictObject({
  id: z.string(),
  name: z.string().describe('The scope token, as organization tokens carry it'),
  description: z.string().nullable(),
});

export const organizationRoleSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.literal('User'),
});

const roleRefSchema = z.strictObject({ id: z.string(), name: z.string() });

export const organizationMemberSchema = z.strictObject({
  id: z.string(),
  username: z.string().nullable(),
  name: z.string().nullable(),
  primaryEmail: z.string().nullable(),
  organizationRoles: z.array(roleRefSchema),
});

/** Logto's OrganizationWithRoles: an organization of a user, with the user's organization roles in it. */
export const organizationWithRolesSchema = organizationSchema.extend({ organizationRoles: z.array(roleRefSchema) });

/** The Management API's errors, Logto style. */
export const managementErrorSchema = z.strictObject({
  code: z.string().describe('Stable error code, e.g. `guard.invalid_input` or `entity.not_exists`'),
  message: z.string(),
  details: z.unknown().optional().describe('Validation issues, for `guard.invalid_input`'),
});

/** Errors API Gateway answers by itself, e.g. a missing or invalid SigV4 signature. */
export const gatewayErrorSchema = z.strictObject({ message: z.string() });

/** RFC 6749 §5.2 error response. */
export const oauthErrorSchema = z.strictObject({
  error: z.string(),
  error_description: z.string().optional(),
  code: z.string().optional().describe("Logto's `oidc.<error>`"),
  message: z.string().optional().describe('The description again, where Logto clients look for it'),
});

export const tokenRequestSchema = z.strictObject({
  grant_type: z.literal(TOKEN_EXCHANGE_GRANT),
  subject_token: z.string().describe('The personal access token'),
  subject_token_type: z.literal(PAT_TOKEN_TYPE),
  client_id: z.string().optional().describe('For public clients, and with client_secret_post'),
  client_secret: z.string().optional().describe('client_secret_post; prefer HTTP Basic (client_secret_basic)'),
  resource: z.string().optional().describe('A registered API resource indicator: becomes `aud`'),
  scope: z.string().optional().describe('Space-separated scopes to request'),
  requested_token_type: z.literal(ACCESS_TOKEN_TYPE).optional(),
  organization_id: z
    .string()
    .optional()
    .describe(
      "Logto's organization token: aud urn:logto:organization:{id}, scopes from the member's organization roles; a non-member gets 403 access_denied. Not with `resource`.",
    ),
});

export const tokenResponseSchema = z.strictObject({
  access_token: z.string().describe('A JWT (`typ: at+jwt`), verifiable with the JWKS'),
  issued_token_type: z.literal(ACCESS_TOKEN_TYPE),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().min(1).describe('Seconds'),
  scope: z.string().describe('Granted scopes, space-separated; `""` when none (nothing requested, nothing granted)'),
});

export const introspectionRequestSchema = z.strictObject({
  token: z.string().describe('The access token'),
  token_type_hint: z.string().optional(),
  client_id: z.string().optional().describe('For public clients, and with client_secret_post'),
  client_secret: z.string().optional().describe('client_secret_post; prefer HTTP Basic (client_secret_basic)'),
});

export const revocationRequestSchema = z.strictObject({
  token: z.string().describe('An access token, or a PAT value (deleted)'),
  token_type_hint: z
    .string()
    .optional()
    .describe('`urn:logto:token-type:personal_access_token` for a PAT value; `access_token`'),
  client_id: z.string().optional().describe('For public clients, and with client_secret_post'),
  client_secret: z.string().optional().describe('client_secret_post; prefer HTTP Basic (client_secret_basic)'),
});

export const introspectionResponseSchema = z.union([
  z.strictObject({ active: z.literal(false) }),
  z.strictObject({
    active: z.literal(true),
    scope: z.string(),
    client_id: z.string(),
    sub: z.string(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    iss: z.string(),
    exp: z.number().int(),
    iat: z.number().int(),
    jti: z.string(),
    token_type: z.literal('Bearer'),
    pat_id: z.string().describe('The id of the PAT the token came from'),
  }),
]);

export const credentialsRevokedSchema = z
  .strictObject({})
  .describe('Always the same, whether any value was a live PAT or not');

export const auditEventSchema = z.strictObject({
  id: z.string(),
  at: z.number().int().describe('Epoch milliseconds'),
  action: z.string().describe('e.g. `pat.created`, `user.suspended`, `pat.revoked_public`'),
  userId: z.string().optional(),
  patName: z.string().optional(),
  patId: z.string().optional(),
  applicationId: z.string().optional(),
  resourceId: z.string().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  callerArn: z.string().describe('The IAM caller, or `public` for the public revocation endpoints'),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
});

export const jwksSchema = z.strictObject({
  keys: z.array(
    z.looseObject({
      kty: z.enum(['EC', 'RSA']),
      kid: z.string().describe('RFC 7638 thumbprint'),
      alg: z.enum(['ES256', 'ES384', 'RS256']),
      use: z.literal('sig'),
    }),
  ),
});

export const authorizationServerMetadataSchema = z.looseObject({
  issuer: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
});

export const openApiDocumentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .describe('This document');
