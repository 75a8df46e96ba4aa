import { KmsError } from './errors';
import type { KeyStore } from './keystore';

/** A decoded JSON 1.1 request body. */
export type RequestBody = Readonly<Record<string, unknown>>;

/** A JSON 1.1 response body; members set to undefined are left out when serialized. */
export type ResponseBody = Record<string, unknown>;

export type OperationHandler = (request: RequestBody, store: KeyStore) => ResponseBody | Promise<ResponseBody>;

export function parseRequestBody(raw: string): RequestBody {
  // The SDK sends "{}" for operations without input, but be lenient with an empty body too.
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new KmsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KmsError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as RequestBody;
}

/** The JSON protocols send timestamps as (fractional) seconds since the epoch. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
