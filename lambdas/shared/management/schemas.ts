/**
 * Request schemas of the Management API. They validate requests and (via z.toJSONSchema) describe
 * them in the OpenAPI document, so the contract has one source.
 */
// A namespace import, not `import { z }`: esbuild can then drop what isn't used, zod's ~50 locales included (-370 kB).
import * as z from 'zod';
import { applicationTypes } from '../store/applications';
import { MAX_RESOURCE_INDICATOR_BYTES } from '../oauth';

/** Operator-supplied user ids: Logto ids, UUIDs, emails, `auth0|…` style ids. */
export const userIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@|:+=-]+$/, 'userId may contain letters, digits and . _ @ | : + = - only');

const codePointLength = (value: string) => [...value].length;

export const patNameSchema = z
  .string()
  .refine((name) => codePointLength(name) >= 1 && codePointLength(name) <= 256, 'name must be 1 to 256 characters')
  .refine((name) => !/\p{Cc}/u.test(name), 'name must not contain control characters')
  .refine((name) => name.isWellFormed(), 'name must be well-formed Unicode');

/** Latest expiry we accept: the end of year 9999, in epoch milliseconds. */
const MAX_EPOCH_MS = 253402300799999;

export const scopeListSchema = z
  .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'scopes must be RFC 6749 scope tokens'))
  .max(100)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must be unique');

export const createPatSchema = z.strictObject({
  name: patNameSchema,
  expiresAt: z
    .number()
    .int()
    .max(MAX_EPOCH_MS)
    .refine((at) => at > Date.now(), 'expiresAt must be in the future (epoch milliseconds)')
    .nullish(),
  scopes: scopeListSchema.nullish(),
});

export const renamePatSchema = z.strictObject({ name: patNameSchema, currentName: patNameSchema });
export const renamePatByPathSchema = z.strictObject({ name: patNameSchema });
export const deletePatSchema = z.strictObject({ name: patNameSchema });
export const setSuspendedSchema = z.strictObject({ isSuspended: z.boolean() });

const customClientMetadataSchema = z.object({ allowTokenExchange: z.boolean().optional() });

export const createApplicationSchema = z.strictObject({
  name: z.string().trim().min(1).max(256),
  description: z.string().max(2048).nullish(),
  type: z.enum(applicationTypes),
  customClientMetadata: customClientMetadataSchema.optional(),
});

export const updateApplicationSchema = z.strictObject({
  name: z.string().trim().min(1).max(256).optional(),
  description: z.string().max(2048).nullish(),
  customClientMetadata: customClientMetadataSchema.optional(),
});

export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid id');

export const createResourceSchema = z.strictObject({
  name: z.string().trim().min(1).max(256),
  indicator: z
    .string()
    .max(MAX_RESOURCE_INDICATOR_BYTES)
    .refine(
      (value) => Buffer.byteLength(value) <= MAX_RESOURCE_INDICATOR_BYTES,
      `indicator must be at most ${MAX_RESOURCE_INDICATOR_BYTES} bytes (UTF-8)`,
    )
    .refine(
      (value) => URL.canParse(value) && !value.includes('#'),
      'indicator must be an absolute URI without fragment',
    ),
  accessTokenTtl: z.number().int().min(60).max(86400).nullish(),
  scopes: scopeListSchema.default([]),
});
