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
  TokenResponse,
  UpdateApplicationInput,
  User,
  CreateUserInput,
  UpdateUserInput,
  AssignedRoles,
  CreateRoleInput,
  CreateScopeInput,
  Role,
  Scope,
  ScopeWithResource,
  UpdateRoleInput,
  UpdateScopeInput,
  CreateOrganizationInput,
  CreateOrganizationRoleInput,
  Organization,
  OrganizationMember,
  OrganizationRole,
  OrganizationScope,
  UpdateOrganizationInput,
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
    list: (userId: string) => this.call<PersonalAccessToken[]>('GET', patsPath(userId)),
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
    scopes: {
      list: (resourceId: string) => this.call<Scope[]>('GET', resourceScopesPath(resourceId)),
      create: (resourceId: string, input: CreateScopeInput) =>
        this.call<Scope>('POST', resourceScopesPath(resourceId), input),
      update: (resourceId: string, scopeId: string, input: UpdateScopeInput) =>
        this.call<Scope>('PATCH', `${resourceScopesPath(resourceId)}/${encodeURIComponent(scopeId)}`, input),
      delete: (resourceId: string, scopeId: string) =>
        this.call<void>('DELETE', `${resourceScopesPath(resourceId)}/${encodeURIComponent(scopeId)}`),
    },
  };

  readonly roles = {
    create: (input: CreateRoleInput) => this.call<Role>('POST', '/api/roles', input),
    list: () => this.call<Role[]>('GET', '/api/roles'),
    get: (id: string) => this.call<Role>('GET', rolePath(id)),
    update: (id: string, input: UpdateRoleInput) => this.call<Role>('PATCH', rolePath(id), input),
    delete: (id: string) => this.call<void>('DELETE', rolePath(id)),
    scopes: (id: string) => this.call<ScopeWithResource[]>('GET', `${rolePath(id)}/scopes`),
    addScopes: (id: string, scopeIds: string[]) => this.call<Scope[]>('POST', `${rolePath(id)}/scopes`, { scopeIds }),
    removeScope: (id: string, scopeId: string) =>
      this.call<void>('DELETE', `${rolePath(id)}/scopes/${encodeURIComponent(scopeId)}`),
    ofUser: (userId: string) => this.call<Role[]>('GET', `${userPath(userId)}/roles`),
    assign: (userId: string, roleIds: string[]) =>
      this.call<AssignedRoles>('POST', `${userPath(userId)}/roles`, { roleIds }),
    unassign: (userId: string, roleId: string) =>
      this.call<void>('DELETE', `${userPath(userId)}/roles/${encodeURIComponent(roleId)}`),
  };

  readonly organizations = {
    create: (input: CreateOrganizationInput) => this.call<Organization>('POST', '/api/organizations', input),
    list: () => this.call<Organization[]>('GET', '/api/organizations'),
    get: (id: string) => this.call<Organization>('GET', organizationPath(id)),
    update: (id: string, input: UpdateOrganizationInput) =>
      this.call<Organization>('PATCH', organizationPath(id), input),
    delete: (id: string) => this.call<void>('DELETE', organizationPath(id)),
    members: (id: string) => this.call<OrganizationMember[]>('GET', `${organizationPath(id)}/users`),
    addMembers: (id: string, userIds: string[]) =>
      this.call<{ userIds: string[] }>('POST', `${organizationPath(id)}/users`, { userIds }),
    removeMember: (id: string, userId: string) =>
      this.call<void>('DELETE', `${organizationPath(id)}/users/${encodeURIComponent(userId)}`),
    memberRoles: (id: string, userId: string) =>
      this.call<OrganizationRole[]>('GET', `${organizationPath(id)}/users/${encodeURIComponent(userId)}/roles`),
    assignMemberRoles: (id: string, userId: string, organizationRoleIds: string[]) =>
      this.call<{ organizationRoleIds: string[] }>(
        'POST',
        `${organizationPath(id)}/users/${encodeURIComponent(userId)}/roles`,
        { organizationRoleIds },
      ),
    removeMemberRole: (id: string, userId: string, roleId: string) =>
      this.call<void>(
        'DELETE',
        `${organizationPath(id)}/users/${encodeURIComponent(userId)}/roles/${encodeURIComponent(roleId)}`,
      ),
    scopes: {
      create: (input: { name: string; description?: string | null }) =>
        this.call<OrganizationScope>('POST', '/api/organization-scopes', input),
      list: () => this.call<OrganizationScope[]>('GET', '/api/organization-scopes'),
      get: (id: string) => this.call<OrganizationScope>('GET', `/api/organization-scopes/${encodeURIComponent(id)}`),
      update: (id: string, input: { name?: string; description?: string | null }) =>
        this.call<OrganizationScope>('PATCH', `/api/organization-scopes/${encodeURIComponent(id)}`, input),
      delete: (id: string) => this.call<void>('DELETE', `/api/organization-scopes/${encodeURIComponent(id)}`),
    },
    roles: {
      create: (input: CreateOrganizationRoleInput) =>
        this.call<OrganizationRole>('POST', '/api/organization-roles', input),
      list: () => this.call<OrganizationRole[]>('GET', '/api/organization-roles'),
      get: (id: string) => this.call<OrganizationRole>('GET', organizationRolePath(id)),
      update: (id: string, input: { name?: string; description?: string | null }) =>
        this.call<OrganizationRole>('PATCH', organizationRolePath(id), input),
      delete: (id: string) => this.call<void>('DELETE', organizationRolePath(id)),
      scopes: (id: string) => this.call<OrganizationScope[]>('GET', `${organizationRolePath(id)}/scopes`),
      addScopes: (id: string, organizationScopeIds: string[]) =>
        this.call<void>('POST', `${organizationRolePath(id)}/scopes`, { organizationScopeIds }),
      removeScope: (id: string, scopeId: string) =>
        this.call<void>('DELETE', `${organizationRolePath(id)}/scopes/${encodeURIComponent(scopeId)}`),
    },
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
const resourceScopesPath = (resourceId: string) => `/api/resources/${encodeURIComponent(resourceId)}/scopes`;
const rolePath = (id: string) => `/api/roles/${encodeURIComponent(id)}`;
const organizationPath = (id: string) => `/api/organizations/${encodeURIComponent(id)}`;
const organizationRolePath = (id: string) => `/api/organization-roles/${encodeURIComponent(id)}`;
