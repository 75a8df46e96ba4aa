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

export const applicationSchema = z.strictObject({
  id: z.string().describe('The OAuth client_id'),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(applicationTypes),
  isConfidential: z.boolean().describe('Confidential clients authenticate with a secret; SPA and Native apps do not'),
  customClientMetadata: z.strictObject({ allowTokenExchange: z.boolean() }),
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
  createdAt: epochMilliseconds,
});

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
  organization_id: z.string().optional().describe('Not supported yet: refused with invalid_request, never ignored'),
});

export const tokenResponseSchema = z.strictObject({
  access_token: z.string().describe('A JWT (`typ: at+jwt`), verifiable with the JWKS'),
  issued_token_type: z.literal(ACCESS_TOKEN_TYPE),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().min(1).describe('Seconds'),
  scope: z.string().describe('Granted scopes, space-separated; `""` when none (nothing requested, nothing granted)'),
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
