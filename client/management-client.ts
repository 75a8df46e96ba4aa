/**
 * A small typed client for patgate's Management API (IAM auth) and OAuth endpoints.
 * Non-2xx management responses throw PatgateApiError carrying the API's {code, message};
 * token endpoint errors throw PatgateOAuthError carrying RFC 6749's {error, error_description}.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { defaultCredentials } from './credentials';
import { sendRequest, type RawResponse, type SigningOptions } from './signed-fetch';
import { tokenExchangeRequest, type ExchangeInput } from './token-exchange-request';

export type { ExchangeInput };
import type {
  ApiResource,
  Application,
  ApplicationType,
  AuthorizationServerMetadata,
  CreatedPersonalAccessToken,
  CreatePersonalAccessTokenInput,
  CreateResourceInput,
  PersonalAccessToken,
  RotatedPersonalAccessToken,
  RotatePersonalAccessTokenInput,
  TokenResponse,
  UpdateApplicationInput,
  User,
  CreateUserInput,
  UpdateUserInput,
} from './types';

export class PatgateApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PatgateApiError';
  }
}

export class PatgateOAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(description ? `${error}: ${description}` : error);
    this.name = 'PatgateOAuthError';
  }
}

export interface PatgateClientOptions {
  /** Base URL of the deployment (stage URL or custom domain) or of the local service. */
  endpoint: string;
  /** Region to sign Management API calls for. Defaults to an execute-api endpoint's region, else AWS_REGION. */
  region?: string;
  /** Defaults to the AWS SDK's standard credential chain (with `profile`, if given). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Shared config profile for the default credential chain. */
  profile?: string;
}

/** The region in an execute-api hostname: `{api-id}.execute-api.{region}.amazonaws.com`. */
export function regionOfEndpoint(endpoint: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(endpoint).hostname)?.[1];
}

export class PatgateClient {
  readonly endpoint: string;
  private readonly region: string | undefined;
  private readonly credentials: SigningOptions['credentials'];

  constructor(options: PatgateClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.region = options.region ?? regionOfEndpoint(this.endpoint) ?? process.env.AWS_REGION;
    this.credentials = options.credentials ?? defaultCredentials({ profile: options.profile });
  }

  /** A signed management request; returns the raw response whatever its status. */
  async raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    // Only signing needs the region: the OAuth endpoints work without one.
    if (!this.region) throw new Error('No region to sign requests for: pass `region` or set AWS_REGION.');
    return sendRequest(method, `${this.endpoint}${path}`, {
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      signing: { region: this.region, credentials: this.credentials },
    });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.callWithResponse<T>(method, path, body)).value;
  }

  private async callWithResponse<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ value: T; response: RawResponse }> {
    const response = await this.raw(method, path, body);
    if (response.status >= 200 && response.status < 300) return { value: response.json as T, response };
    const error = (response.json ?? {}) as { code?: string; message?: string; details?: unknown };
    throw new PatgateApiError(
      response.status,
      // API Gateway's own errors (e.g. InvalidSignatureException) carry no code in the body.
      error.code ?? response.headers.get('x-amzn-errortype') ?? `http.${response.status}`,
      error.message ?? (response.text || `HTTP ${response.status}`),
      error.details,
    );
  }

  readonly pats = {
    create: (userId: string, input: CreatePersonalAccessTokenInput) =>
      this.call<CreatedPersonalAccessToken>('POST', patsPath(userId), input),
    /** Filters (epoch milliseconds): not used since `unusedSince`, expiring before `expiringBefore`. */
    list: (userId: string, filter: { unusedSince?: number; expiringBefore?: number } = {}) => {
      const params = new URLSearchParams();
      if (filter.unusedSince !== undefined) params.set('unusedSince', String(filter.unusedSince));
      if (filter.expiringBefore !== undefined) params.set('expiringBefore', String(filter.expiringBefore));
      return this.call<PersonalAccessToken[]>('GET', `${patsPath(userId)}${params.size > 0 ? `?${params}` : ''}`);
    },
    /** A new value for the PAT (returned once); the old one works for `graceSeconds`. */
    rotate: (userId: string, name: string, input: RotatePersonalAccessTokenInput = {}) =>
      this.call<RotatedPersonalAccessToken>('POST', `${patsPath(userId)}/${encodeURIComponent(name)}/rotate`, input),
    rename: (userId: string, currentName: string, name: string) =>
      this.call<PersonalAccessToken>('PATCH', patsPath(userId), { currentName, name }),
    delete: (userId: string, name: string) => this.call<void>('POST', `${patsPath(userId)}/delete`, { name }),
    revokeAll: (userId: string) => this.call<void>('DELETE', patsPath(userId)),
  };

  readonly users = {
    create: (input: CreateUserInput = {}) => this.call<User>('POST', '/api/users', input),
    /** One page (Logto's pagination), with the total count from `Total-Number`. */
    list: async (query: { page?: number; pageSize?: number; search?: string } = {}) => {
      const params = new URLSearchParams();
      if (query.page !== undefined) params.set('page', String(query.page));
      if (query.pageSize !== undefined) params.set('page_size', String(query.pageSize));
      if (query.search !== undefined) params.set('search', query.search);
      const suffix = params.size > 0 ? `?${params}` : '';
      const { value, response } = await this.callWithResponse<User[]>('GET', `/api/users${suffix}`);
      return { users: value, total: Number(response.headers.get('total-number') ?? value.length) };
    },
    get: (userId: string) => this.call<User>('GET', userPath(userId)),
    update: (userId: string, input: UpdateUserInput) => this.call<User>('PATCH', userPath(userId), input),
    delete: (userId: string) => this.call<void>('DELETE', userPath(userId)),
    setSuspended: (userId: string, isSuspended: boolean) =>
      this.call<User>('PATCH', `${userPath(userId)}/is-suspended`, { isSuspended }),
  };

  readonly applications = {
    create: (input: { name: string; type: ApplicationType; description?: string; allowTokenExchange?: boolean }) =>
      this.call<Application>('POST', '/api/applications', {
        name: input.name,
        type: input.type,
        ...(input.description === undefined ? {} : { description: input.description }),
        customClientMetadata: { allowTokenExchange: input.allowTokenExchange ?? false },
      }),
    list: () => this.call<Application[]>('GET', '/api/applications'),
    get: (id: string) => this.call<Application>('GET', applicationPath(id)),
    update: (id: string, input: UpdateApplicationInput) => this.call<Application>('PATCH', applicationPath(id), input),
    setTokenExchange: (id: string, allowTokenExchange: boolean) =>
      this.call<Application>('PATCH', applicationPath(id), { customClientMetadata: { allowTokenExchange } }),
    delete: (id: string) => this.call<void>('DELETE', applicationPath(id)),
  };

  readonly resources = {
    create: (input: CreateResourceInput) => this.call<ApiResource>('POST', '/api/resources', input),
    list: () => this.call<ApiResource[]>('GET', '/api/resources'),
    get: (id: string) => this.call<ApiResource>('GET', `/api/resources/${encodeURIComponent(id)}`),
    delete: (id: string) => this.call<void>('DELETE', `/api/resources/${encodeURIComponent(id)}`),
  };

  /** The service's OpenAPI 3.1 document. */
  openApiDocument(): Promise<Record<string, unknown>> {
    return this.call('GET', '/api/openapi.json');
  }

  /** The authorization server metadata (public): issuer, token endpoint, JWKS URI. */
  async metadata(): Promise<AuthorizationServerMetadata> {
    const url = `${this.endpoint}/oidc/.well-known/openid-configuration`;
    const response = await sendRequest('GET', url);
    if (response.status !== 200) throw new PatgateApiError(response.status, `http.${response.status}`, response.text);
    return response.json as AuthorizationServerMetadata;
  }

  /** RFC 8693 exchange of a PAT at the token endpoint; returns the raw response whatever its status. */
  exchange(input: ExchangeInput): Promise<RawResponse> {
    return sendRequest('POST', `${this.endpoint}/oidc/token`, tokenExchangeRequest(input));
  }

  /** RFC 8693 exchange of a PAT for an access token; throws PatgateOAuthError when refused. */
  async exchangeToken(input: ExchangeInput): Promise<TokenResponse> {
    const response = await this.exchange(input);
    if (response.status === 200) return response.json as TokenResponse;
    const error = (response.json ?? {}) as { error?: string; error_description?: string };
    throw new PatgateOAuthError(
      response.status,
      error.error ?? `http.${response.status}`,
      error.error_description ?? (error.error ? undefined : response.text),
    );
  }
}

const userPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}`;
const patsPath = (userId: string) => `${userPath(userId)}/personal-access-tokens`;
const applicationPath = (id: string) => `/api/applications/${encodeURIComponent(id)}`;
