/**
 * Request schemas of the Management API. They validate requests and (via z.toJSONSchema) describe
 * them in the OpenAPI document, so the contract has one source.
 */
// zod/mini: the same validation as classic zod, for a fraction of its bundle size and import time in the Lambdas.
import * as z from 'zod/mini';
import { applicationTypes } from '../model/application';
import { roleTypes } from '../model/role';
import { displayNameChecks } from '../model/display-name';
import { MAX_OVERRIDE_SECONDS } from '../model/pat-policy';
import { ENTITY_ID_PATTERN, MAX_RESOURCE_INDICATOR_BYTES, MAX_SCOPE_TOKEN_LENGTH, SCOPE_TOKEN_PATTERN } from '../oauth';

/** `.` and `..` are dot segments: URL clients and SigV4 signers remove them, so no request can name them in a path. */
const notDotSegment = (what: string) =>
  z.refine<string>((value) => value !== '.' && value !== '..', `${what} must not be "." or ".."`);

/** Operator-supplied user ids: Logto ids, UUIDs, emails, `auth0|…` style ids. */
export const userIdSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9._@|:+=-]+$/, 'userId may contain letters, digits and . _ @ | : + = - only'),
    notDotSegment('userId'),
  );

const codePointLength = (value: string) => [...value].length;

export const patNameSchema = z.string().check(
  ...displayNameChecks,
  notDotSegment('name'),
  z.refine((name) => codePointLength(name) >= 1 && codePointLength(name) <= 256, 'name must be 1 to 256 characters'),
  z.refine((name) => !/\p{Cc}/u.test(name), 'name must not contain control characters'),
  z.refine((name) => name.isWellFormed(), 'name must be well-formed Unicode'),
);

/** Latest expiry we accept: the end of year 9999, in epoch milliseconds. */
const MAX_EPOCH_MS = 253402300799999;

export const scopeListSchema = z
  .array(
    z
      .string()
      .check(z.maxLength(MAX_SCOPE_TOKEN_LENGTH), z.regex(SCOPE_TOKEN_PATTERN, 'scopes must be RFC 6749 scope tokens')),
  )
  .check(
    z.maxLength(100),
    z.refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must be unique'),
  );

/** Whether expiresAt is in the future is checked by the operation: Logto answers that one with `request.invalid_input`. */
export const createPatSchema = z.strictObject({
  name: patNameSchema,
  expiresAt: z.nullish(z.int().check(z.maximum(MAX_EPOCH_MS))),
  scopes: z.nullish(scopeListSchema),
});

/** A new expiresAt is optional (the PAT keeps its own); graceSeconds is bounded by the deployment's policy. */
export const rotatePatSchema = z.strictObject({
  expiresAt: z.nullish(z.int().check(z.maximum(MAX_EPOCH_MS))),
  graceSeconds: z.optional(z.int().check(z.minimum(0), z.maximum(7 * 86400))),
});

/** List filters: PATs not used since a time (never used counts), PATs expiring before a time. */
export const listPatsQuerySchema = z.object({
  unusedSince: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  expiringBefore: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
});

export const renamePatSchema = z.strictObject({ name: patNameSchema, currentName: z.optional(patNameSchema) });
export const renamePatByPathSchema = z.strictObject({ name: patNameSchema });
export const deletePatSchema = z.strictObject({ name: patNameSchema });
export const setSuspendedSchema = z.strictObject({ isSuspended: z.boolean() });

const overrideSeconds = z.int().check(z.minimum(1), z.maximum(MAX_OVERRIDE_SECONDS));

/**
 * An application's or a resource's PAT policy override, applied at the exchange; it can only tighten the
 * deployment's. On PATCH the object replaces the previous one; null removes it.
 */
export const patPolicyOverrideSchema = z.strictObject({
  requireExpiry: z.optional(z.boolean()),
  maxLifetimeSeconds: z.optional(overrideSeconds),
  revokeUnusedAfterSeconds: z.optional(overrideSeconds),
});

const customClientMetadataSchema = z.object({ allowTokenExchange: z.optional(z.boolean()) });
const displayNameSchema = z.string().check(...displayNameChecks, z.trim(), z.minLength(1), z.maxLength(256));

export const createApplicationSchema = z.strictObject({
  name: displayNameSchema,
  description: z.nullish(z.string().check(z.maxLength(2048))),
  type: z.enum(applicationTypes),
  customClientMetadata: z.optional(customClientMetadataSchema),
  patPolicy: z.nullish(patPolicyOverrideSchema),
});

export const updateApplicationSchema = z.strictObject({
  name: z.optional(displayNameSchema),
  description: z.nullish(z.string().check(z.maxLength(2048))),
  customClientMetadata: z.optional(customClientMetadataSchema),
  patPolicy: z.nullish(patPolicyOverrideSchema),
});

export const idSchema = z.string().check(z.regex(ENTITY_ID_PATTERN, 'invalid id'));

const accessTokenTtlSchema = z.int().check(z.minimum(60), z.maximum(86400));

export const createResourceSchema = z.strictObject({
  name: displayNameSchema,
  indicator: z.string().check(
    z.maxLength(MAX_RESOURCE_INDICATOR_BYTES),
    z.refine(
      (value) => Buffer.byteLength(value) <= MAX_RESOURCE_INDICATOR_BYTES,
      `indicator must be at most ${MAX_RESOURCE_INDICATOR_BYTES} bytes (UTF-8)`,
    ),
    z.refine(
      (value) => URL.canParse(value) && !value.includes('#'),
      'indicator must be an absolute URI without fragment',
    ),
  ),
  accessTokenTtl: z.nullish(accessTokenTtlSchema),
  scopes: z._default(scopeListSchema, []),
  patPolicy: z.nullish(patPolicyOverrideSchema),
});

/** Logto's PATCH /api/resources/{id} (name, accessTokenTtl), plus the PAT policy override. */
export const updateResourceSchema = z.strictObject({
  name: z.optional(displayNameSchema),
  accessTokenTtl: z.nullish(accessTokenTtlSchema),
  patPolicy: z.nullish(patPolicyOverrideSchema),
});

// Users (Logto's POST/PATCH /users, minus passwords and social identities: patgate keeps neither).
// Logto's own patterns for username, email and phone.
const usernameSchema = z
  .string()
  .check(z.regex(/^[A-Z_a-z]\w*$/, 'username must start with a letter or _'), z.maxLength(128));
const emailSchema = z
  .string()
  .check(z.regex(/^\S+@\S+\.\S+$/, 'primaryEmail must be an email address'), z.maxLength(254));
const phoneSchema = z.string().check(z.regex(/^\d+$/, 'primaryPhone must be digits only'), z.maxLength(32));
const personNameSchema = z.string().check(
  z.refine((name) => name.isWellFormed(), 'name must be well-formed Unicode'),
  ...displayNameChecks,
  z.maxLength(128),
);
const avatarSchema = z.string().check(
  z.maxLength(2048),
  z.refine((value) => value === '' || URL.canParse(value), 'avatar must be a URL'),
);
const customDataSchema = z.record(z.string(), z.unknown());
/** PATCH semantics as in Logto: `null` or `''` clears the field. */
const clearable = <S extends z.ZodMiniType>(schema: S) => z.optional(z.nullable(z.union([schema, z.literal('')])));

export const createUserSchema = z.strictObject({
  id: z.optional(userIdSchema),
  username: z.optional(usernameSchema),
  primaryEmail: z.optional(emailSchema),
  primaryPhone: z.optional(phoneSchema),
  name: z.optional(personNameSchema),
  avatar: z.optional(z.nullable(avatarSchema)),
  customData: z.optional(customDataSchema),
});

export const updateUserSchema = z.strictObject({
  username: clearable(usernameSchema),
  primaryEmail: clearable(emailSchema),
  primaryPhone: clearable(phoneSchema),
  name: clearable(personNameSchema),
  avatar: clearable(avatarSchema),
  customData: z.optional(customDataSchema),
});

/** Logto's pagination: `page` from 1, `page_size` 1–100 (default 20). */
export const paginationSchema = z.object({
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
  page_size: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
});

/** Most values one leaked-credential revocation request may carry (GitHub's API takes 1,000 too). */
export const MAX_REVOKED_CREDENTIALS = 1000;

/** POST /credentials/revoke: values a secret scanner found; anything, real or not, up to 1,000 of them. */
export const revokeCredentialsSchema = z.strictObject({
  credentials: z.array(z.string().check(z.maxLength(512))).check(z.minLength(1), z.maxLength(MAX_REVOKED_CREDENTIALS)),
});

/** GET /api/audit-logs and /api/users/{userId}/audit-logs: filters (times in epoch ms) and Logto's pagination. */
export const auditQuerySchema = z.object({
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
  page_size: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  userId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  patName: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  action: z.optional(z.string().check(z.regex(/^[a-z_]+\.[a-z_]+$/))),
  from: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(253402300799999))),
  to: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
});
// Resource scopes and roles (Logto's RBAC). A scope name with whitespace is refused by the operation,
// with Logto's own code (`scope.name_with_space`), before the scope-token pattern is checked.
const scopeNameSchema = z.string().check(z.minLength(1), z.maxLength(MAX_SCOPE_TOKEN_LENGTH));
const descriptionSchema = z.string().check(z.maxLength(2048));

export const createScopeSchema = z.strictObject({
  name: scopeNameSchema,
  description: z.nullish(descriptionSchema),
});

export const updateScopeSchema = z.strictObject({
  name: z.optional(scopeNameSchema),
  description: z.nullish(descriptionSchema),
});

const idListSchema = z.array(z.string().check(z.regex(ENTITY_ID_PATTERN, 'invalid id'))).check(
  z.minLength(1),
  z.maxLength(100),
  z.refine((ids) => new Set(ids).size === ids.length, 'ids must be unique'),
);

export const createRoleSchema = z.strictObject({
  name: z.string().check(...displayNameChecks, z.minLength(1), z.maxLength(128)),
  description: z.string().check(z.minLength(1), z.maxLength(2048)),
  type: z.optional(z.enum(roleTypes)),
  isDefault: z.optional(z.boolean()),
  scopeIds: z.optional(idListSchema),
});

export const updateRoleSchema = z.strictObject({
  name: z.optional(z.string().check(...displayNameChecks, z.minLength(1), z.maxLength(128))),
  description: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  isDefault: z.optional(z.boolean()),
});

/** GET /api/roles: Logto's `type` filter (page, page_size and search are read on their own). */
export const roleListQuerySchema = z.object({ type: z.optional(z.enum(roleTypes)) });

export const roleScopesSchema = z.strictObject({ scopeIds: idListSchema });
export const userRolesSchema = z.strictObject({ roleIds: idListSchema });

/**
 * The set a PUT replaces an assignment with (Logto's "replace" routes): may be empty (none left), at most 100
 * ids; repeated ids count once.
 */
const replacementSchema = <S extends z.ZodMiniType>(item: S) => z.array(item).check(z.maxLength(100));
export const replaceUserRolesSchema = z.strictObject({ roleIds: replacementSchema(idSchema) });
export const replaceOrganizationUsersSchema = z.strictObject({ userIds: replacementSchema(userIdSchema) });
export const replaceMemberRolesSchema = z.strictObject({ organizationRoleIds: replacementSchema(idSchema) });

// Organizations (Logto's organization template).
const organizationNameSchema = z.string().check(...displayNameChecks, z.trim(), z.minLength(1), z.maxLength(128));

export const createOrganizationSchema = z.strictObject({
  name: organizationNameSchema,
  description: z.nullish(descriptionSchema),
  customData: z.optional(customDataSchema),
});

export const updateOrganizationSchema = z.strictObject({
  name: z.optional(organizationNameSchema),
  description: z.nullish(descriptionSchema),
  customData: z.optional(customDataSchema),
});

export const createOrganizationScopeSchema = z.strictObject({
  name: scopeNameSchema,
  description: z.nullish(descriptionSchema),
});

export const updateOrganizationScopeSchema = z.strictObject({
  name: z.optional(scopeNameSchema),
  description: z.nullish(descriptionSchema),
});

export const createOrganizationRoleSchema = z.strictObject({
  name: organizationNameSchema,
  description: z.nullish(descriptionSchema),
  type: z.optional(z.literal('User')),
  organizationScopeIds: z.optional(idListSchema),
});

export const updateOrganizationRoleSchema = z.strictObject({
  name: z.optional(organizationNameSchema),
  description: z.nullish(descriptionSchema),
});

export const organizationUsersSchema = z.strictObject({
  userIds: z.array(userIdSchema).check(z.minLength(1), z.maxLength(100)),
});
export const organizationRoleScopesSchema = z.strictObject({ organizationScopeIds: idListSchema });
export const memberRolesSchema = z.strictObject({ organizationRoleIds: idListSchema });
