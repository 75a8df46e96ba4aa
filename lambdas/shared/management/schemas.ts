/**
 * Request schemas of the Management API. They validate requests and (via z.toJSONSchema) describe
 * them in the OpenAPI document, so the contract has one source.
 */
// zod/mini: the same validation as classic zod, for a fraction of its bundle size and import time in the Lambdas.
import * as z from 'zod/mini';
import { applicationTypes } from '../store/applications';
import { MAX_RESOURCE_INDICATOR_BYTES } from '../oauth';
import { displayNameChecks } from '../model/display-name';

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
  .array(z.string().check(z.regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'scopes must be RFC 6749 scope tokens')))
  .check(
    z.maxLength(100),
    z.refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must be unique'),
  );

export const createPatSchema = z.strictObject({
  name: patNameSchema,
  expiresAt: z.nullish(
    z.int().check(
      z.maximum(MAX_EPOCH_MS),
      z.refine((at) => at > Date.now(), 'expiresAt must be in the future (epoch milliseconds)'),
    ),
  ),
  scopes: z.nullish(scopeListSchema),
});

export const renamePatSchema = z.strictObject({ name: patNameSchema, currentName: patNameSchema });
export const renamePatByPathSchema = z.strictObject({ name: patNameSchema });
export const deletePatSchema = z.strictObject({ name: patNameSchema });
export const setSuspendedSchema = z.strictObject({ isSuspended: z.boolean() });

const customClientMetadataSchema = z.object({ allowTokenExchange: z.optional(z.boolean()) });
const displayNameSchema = z.string().check(...displayNameChecks, z.trim(), z.minLength(1), z.maxLength(256));

export const createApplicationSchema = z.strictObject({
  name: displayNameSchema,
  description: z.nullish(z.string().check(z.maxLength(2048))),
  type: z.enum(applicationTypes),
  customClientMetadata: z.optional(customClientMetadataSchema),
});

export const updateApplicationSchema = z.strictObject({
  name: z.optional(displayNameSchema),
  description: z.nullish(z.string().check(z.maxLength(2048))),
  customClientMetadata: z.optional(customClientMetadataSchema),
});

export const idSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid id'));

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
  accessTokenTtl: z.nullish(z.int().check(z.minimum(60), z.maximum(86400))),
  scopes: z._default(scopeListSchema, []),
});
