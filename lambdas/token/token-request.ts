/**
 * Parses a token request (RFC 6749 §3.2, §2.3.1; RFC 8693 §2.1) into a typed TokenExchangeRequest,
 * without touching storage: every syntactic check is here. Problems with the grant's parameters are
 * held in `parameterError` rather than thrown, so that client authentication runs first and
 * `invalid_client` wins over them, as RFC 6749 §5.2 orders it.
 */
import { OAuthError } from '../shared/errors';
import { parseMediaType, type FormRequest } from '../shared/http/request';
import {
  ACCESS_TOKEN_TYPE,
  ENTITY_ID_PATTERN,
  MAX_RESOURCE_INDICATOR_BYTES,
  PAT_TOKEN_TYPE,
  SCOPE_TOKEN_PATTERN,
  TOKEN_EXCHANGE_GRANT,
} from '../shared/oauth';

/** Token requests are a few hundred bytes; anything above this is rejected before parsing. */
export const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

/** The HTTP request as the token endpoint needs it; the handler builds it from the API Gateway event. */
export type TokenHttpRequest = FormRequest;

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface TokenExchangeRequest {
  client: ClientCredentials;
  /** The PAT; present when well-formed-looking parameters were sent (see `parameterError` otherwise). */
  subjectToken: string | undefined;
  /** RFC 8707 resource indicator, syntactically valid. */
  resource: string | undefined;
  /** Requested scopes, deduplicated; undefined when `scope` was not sent. */
  scopes: readonly string[] | undefined;
  /** Logto's organization token: `aud` urn:logto:organization:{id}, for members only. */
  organizationId: string | undefined;
  /** The first problem with the grant's own parameters, reported after client authentication. */
  parameterError: OAuthError | undefined;
}

const invalid = (description: string) => new OAuthError('invalid_request', description);

function decodeComponent(value: string): string {
  // Most names and values (PATs, client ids, the grant's URNs) need no decoding.
  if (!value.includes('%') && !value.includes('+')) return value;
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

/** RFC 6749 §5.2: a client that tried HTTP Basic gets a 401 with WWW-Authenticate. */
export function invalidClient(
  credentials: Pick<ClientCredentials, 'method'>,
  description = 'Client authentication failed.',
) {
  return new OAuthError(
    'invalid_client',
    description,
    credentials.method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="patgate"' } : {},
  );
}

function basicCredentials(authorization: readonly string[]): { clientId: string; clientSecret: string } | undefined {
  if (authorization.length === 0) return undefined;
  if (authorization.length > 1) throw invalid('Only one Authorization header is allowed.');
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(authorization[0]!.trim());
  if (!match) {
    throw invalidClient(
      { method: 'client_secret_basic' },
      'Unsupported client authentication; use HTTP Basic or client_secret_post.',
    );
  }
  // Invalid UTF-8 becomes U+FFFD (as a non-fatal TextDecoder would), and then fails the client id's pattern.
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw invalid('The Basic credentials must be client_id:client_secret.');
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  const clientId = decodeComponent(decoded.slice(0, colon));
  const clientSecret = decodeComponent(decoded.slice(colon + 1));
  if (!clientId) throw invalid('The Basic credentials have an empty client_id.');
  return { clientId, clientSecret };
}

function clientCredentials(authorization: readonly string[], params: Map<string, string>): ClientCredentials {
  const basic = basicCredentials(authorization);
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

/** RFC 8707 §2: an absolute URI without a fragment, short enough to be a key. */
function resourceError(indicator: string): OAuthError | undefined {
  if (!URL.canParse(indicator)) return new OAuthError('invalid_target', 'The resource must be an absolute URI.');
  if (indicator.includes('#')) return new OAuthError('invalid_target', 'The resource must not contain a fragment.');
  if (Buffer.byteLength(indicator) > MAX_RESOURCE_INDICATOR_BYTES) {
    return new OAuthError('invalid_target', 'The resource is too long.');
  }
  return undefined;
}

/** RFC 6749 §3.3; unknown scopes are dropped later, malformed ones are an error. */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  return [...new Set(scope.split(' ').filter(Boolean))];
}

/** The grant's parameters in the order their problems are reported; the first one found is held. */
function grantParameterError(
  params: ReadonlyMap<string, string>,
  scopes: string[] | undefined,
): OAuthError | undefined {
  const subjectTokenType = params.get('subject_token_type');
  const requestedType = params.get('requested_token_type');
  const resource = params.get('resource');
  if (!params.get('subject_token')) return invalid('Missing subject_token.');
  if (!subjectTokenType) return invalid('Missing subject_token_type.');
  if (subjectTokenType !== PAT_TOKEN_TYPE)
    return invalid(`Unsupported subject_token_type; expected ${PAT_TOKEN_TYPE}.`);
  if (params.has('actor_token') || params.has('actor_token_type')) return invalid('Actor tokens are not supported.');
  if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
    return invalid(`Unsupported requested_token_type; only ${ACCESS_TOKEN_TYPE} is issued.`);
  }
  const organizationId = params.get('organization_id');
  if (organizationId !== undefined) {
    if (!ENTITY_ID_PATTERN.test(organizationId)) return invalid('The organization_id is not a valid organization id.');
    if (resource !== undefined) return invalid('Organization tokens for an API resource are not supported.');
  }
  if (scopes?.some((token) => !SCOPE_TOKEN_PATTERN.test(token))) {
    return new OAuthError('invalid_scope', 'The scope parameter contains invalid characters.');
  }
  return resource === undefined ? undefined : resourceError(resource);
}

/** The envelope every client-authenticated OAuth endpoint shares: size, media type, UTF-8, strict form. */
function formOf(http: TokenHttpRequest): Map<string, string> {
  if (http.bodyBytes > MAX_TOKEN_REQUEST_BYTES) {
    throw invalid(`The request body exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes.`);
  }
  const type = parseMediaType(http.contentType);
  if (type?.type !== 'application/x-www-form-urlencoded') {
    throw invalid('The request body must be application/x-www-form-urlencoded.');
  }
  if (type.charset && type.charset !== 'utf-8') throw invalid('The request body must be UTF-8.');
  if (http.body === undefined) throw invalid('The request body must be UTF-8.');
  return parseForm(http.body);
}

/** Client ids are generated by patgate; anything else can't authenticate and isn't worth a read. */
function plausibleClient(client: ClientCredentials): ClientCredentials {
  if (!ENTITY_ID_PATTERN.test(client.clientId)) throw invalidClient(client);
  return client;
}

export function parseTokenRequest(http: TokenHttpRequest): TokenExchangeRequest {
  const params = formOf(http);
  const grantType = params.get('grant_type');
  if (!grantType) throw invalid('Missing grant_type.');
  const client = clientCredentials(http.authorization, params);
  if (grantType !== TOKEN_EXCHANGE_GRANT) {
    throw new OAuthError('unsupported_grant_type', 'Only the token exchange grant is supported.');
  }
  plausibleClient(client);

  const scopes = parseScope(params.get('scope'));
  const parameterError = grantParameterError(params, scopes);
  return {
    client,
    subjectToken: params.get('subject_token'),
    resource: parameterError ? undefined : params.get('resource'),
    organizationId: parameterError ? undefined : params.get('organization_id'),
    scopes,
    parameterError,
  };
}

/**
 * For the other client-authenticated endpoints (introspection, revocation): the same body rules and
 * client authentication parsing as the token endpoint, returning the form's parameters.
 */
export function parseClientForm(http: TokenHttpRequest): { client: ClientCredentials; params: Map<string, string> } {
  const params = formOf(http);
  return { client: plausibleClient(clientCredentials(http.authorization, params)), params };
}
