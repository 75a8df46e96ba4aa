import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The value under the first of `map`'s keys equal to `name` ignoring case. Keys are walked without `Object.entries`,
 * which would allocate a pair per header (an API Gateway event carries 15–25) on every lookup, and only keys of the
 * right length are lower-cased.
 */
function caseInsensitive<T>(map: Record<string, T | undefined> | null, name: string): T | undefined {
  if (!map) return undefined;
  const wanted = name.toLowerCase();
  for (const key in map) {
    if (key.length !== wanted.length || !Object.hasOwn(map, key) || key.toLowerCase() !== wanted) continue;
    const value = map[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Case-insensitive header lookup (API Gateway keeps the client's header name casing). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  return caseInsensitive(event.headers, name);
}

/** All values of a header, including repeats (multiValueHeaders). */
export function headerValues(event: APIGatewayProxyEvent, name: string): string[] {
  const values = caseInsensitive(event.multiValueHeaders, name);
  if (values) return values;
  const single = header(event, name);
  return single === undefined ? [] : [single];
}

/** The media type of Content-Type, lower-cased, without parameters. */
export function mediaType(event: APIGatewayProxyEvent): { type: string; charset?: string } | undefined {
  return parseMediaType(header(event, 'content-type'));
}

/** A Content-Type value's media type (lower-cased) and charset parameter. */
export function parseMediaType(value: string | undefined): { type: string; charset?: string } | undefined {
  if (!value) return undefined;
  if (!value.includes(';')) return { type: value.trim().toLowerCase() };
  const [type = '', ...params] = value.split(';').map((part) => part.trim());
  const charset = params
    .map((param) => param.split('='))
    .find(([key]) => key?.toLowerCase() === 'charset')?.[1]
    ?.replace(/^"|"$/g, '')
    .toLowerCase();
  return { type: type.toLowerCase(), charset };
}

/** The body as a UTF-8 string; undefined when its bytes are not valid UTF-8. */
export function bodyText(event: APIGatewayProxyEvent): string | undefined {
  if (!event.body) return '';
  if (!event.isBase64Encoded) return event.body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(event.body, 'base64'));
  } catch {
    return undefined;
  }
}

export function bodyByteLength(event: APIGatewayProxyEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
}

/** A form-posting OAuth request as the token-family endpoints read it; no API Gateway shape beyond here. */
export interface FormRequest {
  /** Content-Type, as sent. */
  contentType: string | undefined;
  /** Every Authorization header value. */
  authorization: readonly string[];
  /** The body as text; undefined when its bytes are not UTF-8. */
  body: string | undefined;
  bodyBytes: number;
}

export function formRequest(event: APIGatewayProxyEvent): FormRequest {
  return {
    contentType: header(event, 'content-type'),
    authorization: headerValues(event, 'authorization'),
    body: bodyText(event),
    bodyBytes: bodyByteLength(event),
  };
}
