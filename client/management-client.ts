/**
 * A small typed client for patgate's Management API (IAM auth) and OAuth endpoints.
 * Non-2xx management responses throw PatgateApiError carrying the API's {code, message};
 * token endpoint errors throw PatgateOAuthError carrying RFC 6749's {error, error_description}.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { defaultCredentials } from './credentials';
import { errorOf, managementApi, PatgateApiError, type ManagementApi } from './requests';
import { sendRequest, type RawResponse, type SigningOptions } from './signed-fetch';
import {
  clientAuthenticatedRequest,
  tokenExchangeRequest,
  type ClientAuthenticatedInput,
  type ExchangeInput,
} from './token-exchange-request';
import type { AuditEvent, AuthorizationServerMetadata, TokenResponse } from './types';

export { PatgateApiError };
export type { ClientAuthenticatedInput, ExchangeInput };
import type {
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
  RotatedPersonalAccessToken,
  RotatePersonalAccessTokenInput,
  PersonalAccessToken,
} from './types';

export interface AuditLogQuery {
  page?: number;
  pageSize?: number;
  userId?: string;
  /** Use GET /api/users/{userId}/audit-logs rather than the userId filter of GET /api/audit-logs. */
  perUserRoute?: boolean;
  patName?: string;
  action?: string;
  /** Epoch milliseconds, inclusive. */
  from?: number;
  to?: number;
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

  /**
   * A signed JSON call by method and path, for the RBAC and organization routes: they are not on the shared
   * request builder (client/requests.ts) yet.
   */
  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.raw(method, path, body);
    if (response.status < 200 || response.status >= 300) throw errorOf(response);
    return response.json as T;
  }

  private readonly api: ManagementApi = managementApi((request) =>
    this.raw(request.method, request.target, request.body, request.headers),
  );

  /** Any Management API operation, by its id in the route table; throws PatgateApiError unless it succeeds. */
  readonly call = this.api.call;
  readonly pats = {
    ...this.api.pats,
    /** Filters (epoch milliseconds): not used since `unusedSince`, expiring before `expiringBefore`. */
    list: (userId: string, filter: { unusedSince?: number; expiringBefore?: number } = {}) => {
      const params = new URLSearchParams();
      if (filter.unusedSince !== undefined) params.set('unusedSince', String(filter.unusedSince));
      if (filter.expiringBefore !== undefined) params.set('expiringBefore', String(filter.expiringBefore));
      return this.json<PersonalAccessToken[]>('GET', `${patsPath(userId)}${params.size > 0 ? `?${params}` : ''}`);
    },
    /** A new value for the PAT (returned once); the old one works for `graceSeconds`. */
    rotate: (userId: string, name: string, input: RotatePersonalAccessTokenInput = {}) =>
      this.json<RotatedPersonalAccessToken>('POST', `${patsPath(userId)}/${encodeURIComponent(name)}/rotate`, input),
  };
  readonly users = this.api.users;
  readonly applications = this.api.applications;
  readonly resources = {
    ...this.api.resources,
    scopes: {
      list: (resourceId: string) => this.json<Scope[]>('GET', resourceScopesPath(resourceId)),
      create: (resourceId: string, input: CreateScopeInput) =>
        this.json<Scope>('POST', resourceScopesPath(resourceId), input),
      update: (resourceId: string, scopeId: string, input: UpdateScopeInput) =>
        this.json<Scope>('PATCH', `${resourceScopesPath(resourceId)}/${encodeURIComponent(scopeId)}`, input),
      delete: (resourceId: string, scopeId: string) =>
        this.json<void>('DELETE', `${resourceScopesPath(resourceId)}/${encodeURIComponent(scopeId)}`),
    },
  };

  readonly roles = {
    create: (input: CreateRoleInput) => this.json<Role>('POST', '/api/roles', input),
    list: () => this.json<Role[]>('GET', '/api/roles'),
    get: (id: string) => this.json<Role>('GET', rolePath(id)),
    update: (id: string, input: UpdateRoleInput) => this.json<Role>('PATCH', rolePath(id), input),
    delete: (id: string) => this.json<void>('DELETE', rolePath(id)),
    scopes: (id: string) => this.json<ScopeWithResource[]>('GET', `${rolePath(id)}/scopes`),
    addScopes: (id: string, scopeIds: string[]) => this.json<Scope[]>('POST', `${rolePath(id)}/scopes`, { scopeIds }),
    removeScope: (id: string, scopeId: string) =>
      this.json<void>('DELETE', `${rolePath(id)}/scopes/${encodeURIComponent(scopeId)}`),
    ofUser: (userId: string) => this.json<Role[]>('GET', `${userPath(userId)}/roles`),
    assign: (userId: string, roleIds: string[]) =>
      this.json<AssignedRoles>('POST', `${userPath(userId)}/roles`, { roleIds }),
    unassign: (userId: string, roleId: string) =>
      this.json<void>('DELETE', `${userPath(userId)}/roles/${encodeURIComponent(roleId)}`),
  };

  readonly organizations = {
    create: (input: CreateOrganizationInput) => this.json<Organization>('POST', '/api/organizations', input),
    list: () => this.json<Organization[]>('GET', '/api/organizations'),
    get: (id: string) => this.json<Organization>('GET', organizationPath(id)),
    update: (id: string, input: UpdateOrganizationInput) =>
      this.json<Organization>('PATCH', organizationPath(id), input),
    delete: (id: string) => this.json<void>('DELETE', organizationPath(id)),
    members: (id: string) => this.json<OrganizationMember[]>('GET', `${organizationPath(id)}/users`),
    addMembers: (id: string, userIds: string[]) =>
      this.json<{ userIds: string[] }>('POST', `${organizationPath(id)}/users`, { userIds }),
    removeMember: (id: string, userId: string) =>
      this.json<void>('DELETE', `${organizationPath(id)}/users/${encodeURIComponent(userId)}`),
    memberRoles: (id: string, userId: string) =>
      this.json<OrganizationRole[]>('GET', `${organizationPath(id)}/users/${encodeURIComponent(userId)}/roles`),
    assignMemberRoles: (id: string, userId: string, organizationRoleIds: string[]) =>
      this.json<{ organizationRoleIds: string[] }>(
        'POST',
        `${organizationPath(id)}/users/${encodeURIComponent(userId)}/roles`,
        { organizationRoleIds },
      ),
    removeMemberRole: (id: string, userId: string, roleId: string) =>
      this.json<void>(
        'DELETE',
        `${organizationPath(id)}/users/${encodeURIComponent(userId)}/roles/${encodeURIComponent(roleId)}`,
      ),
    scopes: {
      create: (input: { name: string; description?: string | null }) =>
        this.json<OrganizationScope>('POST', '/api/organization-scopes', input),
      list: () => this.json<OrganizationScope[]>('GET', '/api/organization-scopes'),
      get: (id: string) => this.json<OrganizationScope>('GET', `/api/organization-scopes/${encodeURIComponent(id)}`),
      update: (id: string, input: { name?: string; description?: string | null }) =>
        this.json<OrganizationScope>('PATCH', `/api/organization-scopes/${encodeURIComponent(id)}`, input),
      delete: (id: string) => this.json<void>('DELETE', `/api/organization-scopes/${encodeURIComponent(id)}`),
    },
    roles: {
      create: (input: CreateOrganizationRoleInput) =>
        this.json<OrganizationRole>('POST', '/api/organization-roles', input),
      list: () => this.json<OrganizationRole[]>('GET', '/api/organization-roles'),
      get: (id: string) => this.json<OrganizationRole>('GET', organizationRolePath(id)),
      update: (id: string, input: { name?: string; description?: string | null }) =>
        this.json<OrganizationRole>('PATCH', organizationRolePath(id), input),
      delete: (id: string) => this.json<void>('DELETE', organizationRolePath(id)),
      scopes: (id: string) => this.json<OrganizationScope[]>('GET', `${organizationRolePath(id)}/scopes`),
      addScopes: (id: string, organizationScopeIds: string[]) =>
        this.json<void>('POST', `${organizationRolePath(id)}/scopes`, { organizationScopeIds }),
      removeScope: (id: string, scopeId: string) =>
        this.json<void>('DELETE', `${organizationRolePath(id)}/scopes/${encodeURIComponent(scopeId)}`),
    },
  };

  readonly audit = {
    /** One page of audit events, newest first, with the total from `Total-Number`. */
    list: async (query: AuditLogQuery = {}) => {
      const params = new URLSearchParams();
      if (query.page !== undefined) params.set('page', String(query.page));
      if (query.pageSize !== undefined) params.set('page_size', String(query.pageSize));
      if (query.patName !== undefined) params.set('patName', query.patName);
      if (query.action !== undefined) params.set('action', query.action);
      if (query.from !== undefined) params.set('from', String(query.from));
      if (query.to !== undefined) params.set('to', String(query.to));
      if (query.userId !== undefined && !query.perUserRoute) params.set('userId', query.userId);
      const suffix = params.size > 0 ? `?${params}` : '';
      const base =
        query.userId !== undefined && query.perUserRoute
          ? `/api/users/${encodeURIComponent(query.userId)}/audit-logs`
          : '/api/audit-logs';
      const response = await this.raw('GET', `${base}${suffix}`);
      if (response.status !== 200) throw errorOf(response);
      const events = response.json as AuditEvent[];
      return { events, total: Number(response.headers.get('total-number') ?? events.length) };
    },
  };

  /** RFC 7662 introspection (client-authenticated); returns the raw response whatever its status. */
  introspect(input: ClientAuthenticatedInput): Promise<RawResponse> {
    return sendRequest('POST', `${this.endpoint}/oidc/token/introspection`, clientAuthenticatedRequest(input));
  }

  /** RFC 7009 revocation of an access token or a PAT value; returns the raw response. */
  revoke(input: ClientAuthenticatedInput): Promise<RawResponse> {
    return sendRequest('POST', `${this.endpoint}/oidc/token/revocation`, clientAuthenticatedRequest(input));
  }

  /** Public leaked-credential revocation (no signing): the answer is the same whatever was real. */
  revokeCredentials(credentials: readonly string[]): Promise<RawResponse> {
    return sendRequest('POST', `${this.endpoint}/credentials/revoke`, {
      body: JSON.stringify({ credentials }),
      headers: { 'content-type': 'application/json' },
    });
  }
  /** The service's OpenAPI 3.1 document. */
  readonly openApiDocument = this.api.openApiDocument;

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
const resourceScopesPath = (resourceId: string) => `/api/resources/${encodeURIComponent(resourceId)}/scopes`;
const rolePath = (id: string) => `/api/roles/${encodeURIComponent(id)}`;
const organizationPath = (id: string) => `/api/organizations/${encodeURIComponent(id)}`;
const organizationRolePath = (id: string) => `/api/organization-roles/${encodeURIComponent(id)}`;
