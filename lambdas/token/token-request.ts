/**
 * Parses and validates a token request (RFC 6749 §3.2, §2.3.1; RFC 8693 §2.1) without touching storage.
 * Every way a request can be malformed ends here as an OAuthError.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { OAuthError } from '../shared/http/errors';
import { bodyByteLength, bodyText, headerValues, mediaType } from '../shared/http/request';

/** Token requests are a few hundred bytes; anything above this is rejected before parsing. */
export const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface TokenRequest {
  grantType: string;
  client: ClientCredentials;
  params: ReadonlyMap<string, string>;
}

const invalid = (description: string) => new OAuthError('invalid_request', description);

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw invalid('The request body is not valid application/x-www-form-urlencoded data.');
  }
}

/** application/x-www-form-urlencoded, strictly: bad percent-encoding and repeated parameters are errors. */
export function parseForm(body: string): Map<string, string> {
  const params = new Map<string, string>();
  if (body === '') return params;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = decodeComponent(separator === -1 ? pair : pair.slice(0, separator));
    const value = separator === -1 ? '' : decodeComponent(pair.slice(separator + 1));
    if (params.has(name)) throw invalid(`The parameter ${printable(name)} must not be repeated.`);
    // RFC 6749 §3.1: parameters sent without a value are treated as if they were omitted.
    if (value !== '') params.set(name, value);
  }
  return params;
}

/** Echoes a parameter name into an error description: RFC 6749 §5.2's character set, bounded length. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 64);
}

function basicCredentials(event: APIGatewayProxyEvent): { clientId: string; clientSecret: string } | undefined {
  const values = headerValues(event, 'authorization');
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalid('Only one Authorization header is allowed.');
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(values[0]!.trim());
  if (!match) {
    throw new OAuthError('invalid_client', 'Unsupported client authentication; use HTTP Basic or client_secret_post.', {
      'WWW-Authenticate': 'Basic realm="patgate"',
    });
  }
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.from(match[1]!, 'base64'));
  const colon = decoded.indexOf(':');
  if (colon === -1) throw invalid('The Basic credentials must be client_id:client_secret.');
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  const clientId = decodeComponent(decoded.slice(0, colon));
  const clientSecret = decodeComponent(decoded.slice(colon + 1));
  if (!clientId) throw invalid('The Basic credentials have an empty client_id.');
  return { clientId, clientSecret };
}

function clientCredentials(event: APIGatewayProxyEvent, params: Map<string, string>): ClientCredentials {
  const basic = basicCredentials(event);
  const postedId = params.get('client_id');
  const postedSecret = params.get('client_secret');
  if (basic) {
    if (postedSecret !== undefined) throw invalid('Use only one client authentication method.');
    if (postedId !== undefined && postedId !== basic.clientId) {
      throw invalid('client_id does not match the Basic credentials.');
    }
    return { ...basic, method: 'client_secret_basic' };
  }
  if (postedId === undefined) throw invalid('Missing client_id (or HTTP Basic client authentication).');
  if (postedSecret !== undefined)
    return { clientId: postedId, clientSecret: postedSecret, method: 'client_secret_post' };
  return { clientId: postedId, method: 'none' };
}

export function parseTokenRequest(event: APIGatewayProxyEvent): TokenRequest {
  if (bodyByteLength(event) > MAX_TOKEN_REQUEST_BYTES) {
    throw invalid(`The request body exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes.`);
  }
  const type = mediaType(event);
  if (type?.type !== 'application/x-www-form-urlencoded') {
    throw invalid('The request body must be application/x-www-form-urlencoded.');
  }
  if (type.charset && type.charset !== 'utf-8') throw invalid('The request body must be UTF-8.');
  const body = bodyText(event);
  if (body === undefined) throw invalid('The request body must be UTF-8.');

  const params = parseForm(body);
  const grantType = params.get('grant_type');
  if (!grantType) throw invalid('Missing grant_type.');
  return { grantType, client: clientCredentials(event, params), params };
}
