/**
 * Readers for request members. Type mismatches are SerializationExceptions and constraint violations
 * (missing, too long, not in an enum) are ValidationExceptions, as with the real service.
 */
import { KmsError, modelValidationError } from './errors';
import type { RequestBody } from './protocol';

interface LengthLimits {
  min?: number;
  max?: number;
}

interface Range {
  min: number;
  max: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function typeMismatch(member: string, expected: string): KmsError {
  return new KmsError('SerializationException', `Expected ${member} to be ${expected}.`);
}

function missing(member: string): KmsError {
  return modelValidationError(member, 'Member must not be null', null);
}

function checkLength(member: string, length: number, limits: LengthLimits, shownValue?: string): void {
  if (limits.min !== undefined && length < limits.min) {
    throw modelValidationError(member, `Member must have length greater than or equal to ${limits.min}`, shownValue);
  }
  if (limits.max !== undefined && length > limits.max) {
    throw modelValidationError(member, `Member must have length less than or equal to ${limits.max}`, shownValue);
  }
}

export function optionalString(request: RequestBody, member: string, limits: LengthLimits = {}): string | undefined {
  const value = request[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeMismatch(member, 'a string');
  checkLength(member, value.length, limits, value);
  return value;
}

export function requiredString(request: RequestBody, member: string, limits: LengthLimits = {}): string {
  const value = optionalString(request, member, limits);
  if (value === undefined) throw missing(member);
  return value;
}

/** Key identifiers: key id, key ARN, alias name or alias ARN. */
export function requiredKeyIdentifier(request: RequestBody, member = 'KeyId'): string {
  return requiredString(request, member, { min: 1, max: 2048 });
}

/** Blobs travel as base64 strings. */
export function requiredBlob(request: RequestBody, member: string, limits: LengthLimits): Buffer {
  const value = request[member];
  if (value === undefined || value === null) throw missing(member);
  if (typeof value !== 'string' || !BASE64.test(value)) throw typeMismatch(member, 'a base64-encoded blob');
  const bytes = Buffer.from(value, 'base64');
  checkLength(member, bytes.length, limits);
  return bytes;
}

export function optionalInteger(request: RequestBody, member: string, range: Range): number | undefined {
  const value = request[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeMismatch(member, 'an integer');
  if (value < range.min) {
    throw modelValidationError(member, `Member must have value greater than or equal to ${range.min}`, value);
  }
  if (value > range.max) {
    throw modelValidationError(member, `Member must have value less than or equal to ${range.max}`, value);
  }
  return value;
}

export function optionalBoolean(request: RequestBody, member: string): boolean | undefined {
  const value = request[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw typeMismatch(member, 'a boolean');
  return value;
}

export function optionalEnum<T extends string>(
  request: RequestBody,
  member: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(request, member);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw modelValidationError(member, `Member must satisfy enum value set: [${allowed.join(', ')}]`, value);
  }
  return value as T;
}

export function requiredEnum<T extends string>(request: RequestBody, member: string, allowed: readonly T[]): T {
  const value = optionalEnum(request, member, allowed);
  if (value === undefined) throw missing(member);
  return value;
}
