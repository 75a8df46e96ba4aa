/** Parsing and validation of Management API requests into typed values (or `guard.*` ApiErrors). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as z from 'zod/mini';
import { apiErrors } from '../errors';
import { bodyText, mediaType } from '../http/request';
import { patNameSchema, userIdSchema } from './schemas';

/** Management bodies are small JSON documents. */
export const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024;

function describe(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function validate<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw apiErrors.invalidInput(`Invalid ${what}: ${describe(result.error)}`, result.error.issues);
  return result.data;
}

class ProtoKeyError extends Error {}

/**
 * JSON.parse keeps a `__proto__` key as an own property, but copying the object (as validation does) turns it
 * into a prototype: the key would vanish from what is stored, or pollute. Refused wherever it appears.
 */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new ProtoKeyError();
  return value;
}

export function jsonBody<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const text = bodyText(event);
  if (text === undefined) throw apiErrors.invalidInput('The request body must be UTF-8.');
  if (Buffer.byteLength(text) > MAX_MANAGEMENT_BODY_BYTES) {
    throw apiErrors.invalidInput(`The request body exceeds ${MAX_MANAGEMENT_BODY_BYTES} bytes.`);
  }
  const type = mediaType(event)?.type;
  if (text !== '' && type !== undefined && type !== 'application/json' && !type.endsWith('+json')) {
    throw apiErrors.unsupportedMediaType();
  }
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text, refuseProtoKeys);
  } catch (error) {
    if (error instanceof ProtoKeyError)
      throw apiErrors.invalidInput('The request body must not use the key __proto__.');
    throw apiErrors.invalidInput('The request body is not valid JSON.');
  }
  return validate(schema, value, 'request body');
}

/** API Gateway REST APIs pass path parameters still percent-encoded; decode them here, once. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === null) throw apiErrors.invalidInput(`Missing path parameter ${name}.`);
  try {
    return decodeURIComponent(value);
  } catch {
    throw apiErrors.invalidInput(`The path parameter ${name} is not valid percent-encoded UTF-8.`);
  }
}

export const userIdParameter = (event: APIGatewayProxyEvent) =>
  validate(userIdSchema, pathParameter(event, 'userId'), 'userId');

export const patNameParameter = (event: APIGatewayProxyEvent) =>
  validate(patNameSchema, pathParameter(event, 'name'), 'name');
