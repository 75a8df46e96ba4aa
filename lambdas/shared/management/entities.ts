/** What the management functions' entity operations share: ids, path parameters, scope names, Logto's "not found" codes. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomString } from '../crypto/secrets';
import { ApiError, apiErrors } from '../errors';
import { pathParameter, validate } from './request';
import { idSchema } from './schemas';
import { countMetric, logger } from '../observability';
import { SCOPE_TOKEN_PATTERN } from '../oauth';

const LOWER_ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Logto's entity ids: 21 lower-case alphanumerics. */
export const newId = () => randomString(21, LOWER_ALPHANUMERIC);

/** A path parameter holding an entity id (400 `guard.invalid_input` otherwise). */
export const idParam = (event: APIGatewayProxyEvent, name: string) =>
  validate(idSchema, pathParameter(event, name), name);

/** The metric and structured log of a management change (its audit event is written by the store). */
export function logChange(action: string, details: Record<string, unknown>) {
  countMetric('ManagementAction', { action });
  logger.info(action, details);
}

/** Logto's codes for an unknown id: reads and updates answer one, deletes of a missing relation the other. */
export const notFound = (what: string) => new ApiError(404, 'entity.not_exists_with_id', `The ${what} does not exist.`);
export const deleteNotFound = (what: string) => new ApiError(404, 'entity.not_found', `The ${what} does not exist.`);

/** A scope name: whitespace is Logto's 400 `scope.name_with_space`, checked before the scope-token grammar. */
export function checkScopeName(name: string | undefined) {
  if (name === undefined) return;
  if (/\s/.test(name)) throw new ApiError(400, 'scope.name_with_space', 'A scope name must not contain spaces.');
  if (!SCOPE_TOKEN_PATTERN.test(name)) throw apiErrors.invalidInput('Invalid request body: name must be a scope token');
}

/** A JSON body's ids, each once, in the order given (Logto deduplicates the sets it is sent). */
export const distinct = (ids: readonly string[]) => [...new Set(ids)];
