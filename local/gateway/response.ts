import { validateHeaderName, validateHeaderValue } from 'node:http';

export interface HttpResponse {
  statusCode: number;
  /** In sending order, names in the case to send; a repeated name becomes separate header lines. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** API Gateway's own error responses ("gateway responses"). */
export function gatewayResponse(statusCode: number, message: string, errorType?: string): HttpResponse {
  const headers: Array<[string, string]> = [['Content-Type', 'application/json']];
  if (errorType) headers.push(['x-amzn-ErrorType', errorType]);
  return { statusCode, headers, body: Buffer.from(JSON.stringify({ message })) };
}

export class MalformedProxyResultError extends Error {
  override readonly name = 'MalformedProxyResultError';
}

/** Framing is the gateway's business; API Gateway also ignores these when the integration sets them. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * Converts what a proxy integration returned into the HTTP response, as API Gateway does: `headers` and
 * `multiValueHeaders` are merged (the multi-value entry wins for a name present in both), `Content-Type`
 * defaults to `application/json`, and a base64 body is decoded. Anything else is malformed.
 */
export function fromProxyResult(result: unknown): HttpResponse {
  if (!isRecord(result)) throw new MalformedProxyResultError('The result is not an object');

  const headerValues = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of Object.entries(optionalRecord(result, 'headers'))) {
    headerValues.set(name.toLowerCase(), { name, values: [headerText(name, value)] });
  }
  for (const [name, values] of Object.entries(optionalRecord(result, 'multiValueHeaders'))) {
    if (!Array.isArray(values)) throw new MalformedProxyResultError(`multiValueHeaders.${name} is not an array`);
    headerValues.set(name.toLowerCase(), { name, values: values.map((value) => headerText(name, value)) });
  }
  if (!headerValues.has('content-type')) {
    headerValues.set('content-type', { name: 'Content-Type', values: ['application/json'] });
  }
  const headers = [...headerValues]
    .filter(([lowerCaseName]) => !FRAMING_HEADERS.has(lowerCaseName))
    .flatMap(([, { name, values }]) => values.map((value): [string, string] => [name, value]));

  return { statusCode: statusCodeOf(result), headers, body: bodyOf(result) };
}

function statusCodeOf(result: Record<string, unknown>): number {
  const { statusCode } = result;
  // API Gateway also accepts the status code as a numeric string.
  const code = typeof statusCode === 'string' && /^\d+$/.test(statusCode) ? Number(statusCode) : statusCode;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
    throw new MalformedProxyResultError(`Invalid statusCode: ${JSON.stringify(statusCode)}`);
  }
  return code;
}

function bodyOf(result: Record<string, unknown>): Buffer {
  const { body, isBase64Encoded } = result;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedProxyResultError('body is not a string');
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    throw new MalformedProxyResultError('isBase64Encoded is not a boolean');
  }
  return Buffer.from(body ?? '', isBase64Encoded ? 'base64' : 'utf8');
}

function optionalRecord(result: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = result[key];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new MalformedProxyResultError(`${key} is not an object`);
  return value;
}

function headerText(name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new MalformedProxyResultError(`Header ${name} has a non-scalar value`);
  }
  const text = String(value);
  try {
    validateHeaderName(name);
    validateHeaderValue(name, text);
  } catch (error) {
    throw new MalformedProxyResultError(`Header ${name} is not valid HTTP: ${(error as Error).message}`);
  }
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
