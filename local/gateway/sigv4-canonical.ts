/**
 * The SigV4 canonical request (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
 * rebuilt from a request as it arrived on the wire.
 */
import { decodeUriComponentSafely, encodeRfc3986 } from './uri';

export type HeaderValue = string | string[] | undefined;

export interface CanonicalRequestParts {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, HeaderValue>;
  /** The `SignedHeaders` list exactly as the client sent it. */
  signedHeaders: string;
  payloadHash: string;
}

/**
 * Every canonical request a well-behaved client may have signed for this request.
 *
 * AWS SDKs follow the spec: dot segments removed and each path segment encoded a second time, query pairs
 * decoded, re-encoded and sorted. curl's `--aws-sigv4` (7.x) signs path and query exactly as sent, so that form
 * is accepted too, but only where it cannot coincide with the spec form of a request that means something else.
 */
export function canonicalRequestCandidates(parts: CanonicalRequestParts): string[] {
  const uris = [specCanonicalUri(parts.rawPath)];
  // A verbatim `%25` could equal the double encoding of a different path: `/a%252F` is the spec form of `/a%2F`.
  if (!/%25/i.test(parts.rawPath)) uris.push(parts.rawPath);
  const queries = [specCanonicalQuery(parts.rawQuery), parts.rawQuery];
  const headerBlock = canonicalHeaderBlock(parts.headers, parts.signedHeaders);
  return unique(
    uris.flatMap((uri) =>
      queries.map((query) =>
        [parts.method, uri, query, headerBlock, parts.signedHeaders, parts.payloadHash].join('\n'),
      ),
    ),
  );
}

/** Same normalisation as `@smithy/signature-v4` with `uriEscapePath: true`, the default for every service but S3. */
function specCanonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailingSlash = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(encodeRfc3986).join('/')}${trailingSlash}`;
}

/**
 * A `+` is decoded as a space, as the proxy event decodes it (and as clients that build the query with
 * `URLSearchParams` sign it), so that a signature always covers the values the handler receives. SDKs never
 * send a literal `+`.
 */
function specCanonicalQuery(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const separator = pair.indexOf('=');
      const name = separator === -1 ? pair : pair.slice(0, separator);
      const value = separator === -1 ? '' : pair.slice(separator + 1);
      return `${encodeQueryComponent(name)}=${encodeQueryComponent(value)}`;
    })
    .sort(compareQueryPairs)
    .join('&');
}

function encodeQueryComponent(raw: string): string {
  return encodeRfc3986(decodeUriComponentSafely(raw.replaceAll('+', ' ')));
}

/** Orders by name, then value; encoded pairs are ASCII, so UTF-16 order is the spec's byte order. */
function compareQueryPairs(left: string, right: string): number {
  const [leftName = '', leftValue = ''] = left.split('=');
  const [rightName = '', rightValue = ''] = right.split('=');
  if (leftName !== rightName) return leftName < rightName ? -1 : 1;
  if (leftValue !== rightValue) return leftValue < rightValue ? -1 : 1;
  return 0;
}

function canonicalHeaderBlock(headers: Record<string, HeaderValue>, signedHeaders: string): string {
  return signedHeaders
    .split(';')
    .map((name) => `${name}:${canonicalHeaderValue(headers[name.toLowerCase()])}\n`)
    .join('');
}

function canonicalHeaderValue(value: HeaderValue): string {
  const values = value === undefined ? [] : [value].flat();
  return values.map((item) => item.replace(/\s+/g, ' ').trim()).join(',');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
