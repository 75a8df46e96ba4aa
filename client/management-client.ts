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
  OrganizationWithRoles,
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

  private readonly api: ManagementApi = managementApi((request) =>
    this.raw(request.method, request.target, request.body, request.headers),
  );

  /** Any Management API operation, by its id in the route table; throws PatgateApiError unless it succeeds. */
  readonly call = this.api.call;
  readonly pats = {
    ...this.api.pats,
    /** Filters (epoch milliseconds): not used since `unusedSince`, expiring before `expiringBefore`. */
    list: (
      userId: string,
      filter: { unusedSince?: number; expiringBefore?: number } = {},
    ): Promise<PersonalAccessToken[]> => this.call('listPersonalAccessTokens', { params: { userId }, query: filter }),
    /** A new value for the PAT (returned once); the old one works for `graceSeconds`. */
    rotate: (
      userId: string,
      name: string,
      input: RotatePersonalAccessTokenInput = {},
    ): Promise<RotatedPersonalAccessToken> =>
      this.call('rotatePersonalAccessToken', { params: { userId, name }, body: input }),
  };
  readonly users = this.api.users;
  readonly applications = this.api.applications;
  readonly resources = {
    ...this.api.resources,
    scopes: {
      list: (resourceId: string): Promise<Scope[]> => this.call('listResourceScopes', { params: { id: resourceId } }),
      create: (resourceId: string, input: CreateScopeInput): Promise<Scope> =>
        this.call('createResourceScope', { params: { id: resourceId }, body: input }),
      update: (resourceId: string, scopeId: string, input: UpdateScopeInput): Promise<Scope> =>
        this.call('updateResourceScope', { params: { id: resourceId, scopeId }, body: input }),
      delete: (resourceId: string, scopeId: string): Promise<void> =>
        this.call('deleteResourceScope', { params: { id: resourceId, scopeId } }),
    },
  };

  readonly roles = {
    create: (input: CreateRoleInput): Promise<Role> => this.call('createRole', { body: input }),
    list: (): Promise<Role[]> => this.call('listRoles', {}),
    get: (id: string): Promise<Role> => this.call('getRole', { params: { id } }),
    update: (id: string, input: UpdateRoleInput): Promise<Role> =>
      this.call('updateRole', { params: { id }, body: input }),
    delete: (id: string): Promise<void> => this.call('deleteRole', { params: { id } }),
    scopes: (id: string): Promise<ScopeWithResource[]> => this.call('listRoleScopes', { params: { id } }),
    addScopes: (id: string, scopeIds: string[]): Promise<Scope[]> =>
      this.call('addRoleScopes', { params: { id }, body: { scopeIds } }),
    removeScope: (id: string, scopeId: string): Promise<void> =>
      this.call('deleteRoleScope', { params: { id, scopeId } }),
    ofUser: (userId: string): Promise<Role[]> => this.call('listUserRoles', { params: { userId } }),
    assign: (userId: string, roleIds: string[]): Promise<AssignedRoles> =>
      this.call('assignUserRoles', { params: { userId }, body: { roleIds } }),
    unassign: (userId: string, roleId: string): Promise<void> =>
      this.call('removeUserRole', { params: { userId, roleId } }),
  };

  readonly organizations = {
    create: (input: CreateOrganizationInput): Promise<Organization> => this.call('createOrganization', { body: input }),
    list: (): Promise<Organization[]> => this.call('listOrganizations', {}),
    get: (id: string): Promise<Organization> => this.call('getOrganization', { params: { id } }),
    update: (id: string, input: UpdateOrganizationInput): Promise<Organization> =>
      this.call('updateOrganization', { params: { id }, body: input }),
    delete: (id: string): Promise<void> => this.call('deleteOrganization', { params: { id } }),
    members: (id: string): Promise<OrganizationMember[]> => this.call('listOrganizationUsers', { params: { id } }),
    addMembers: (id: string, userIds: string[]): Promise<{ userIds: string[] }> =>
      this.call('addOrganizationUsers', { params: { id }, body: { userIds } }),
    removeMember: (id: string, userId: string): Promise<void> =>
      this.call('removeOrganizationUser', { params: { id, userId } }),
    /** The organizations the user is a member of, each with the user's organization roles there. */
    ofUser: (userId: string): Promise<OrganizationWithRoles[]> =>
      this.call('listUserOrganizations', { params: { userId } }),
    memberRoles: (id: string, userId: string): Promise<OrganizationRole[]> =>
      this.call('listMemberRoles', { params: { id, userId } }),
    assignMemberRoles: (
      id: string,
      userId: string,
      organizationRoleIds: string[],
    ): Promise<{ organizationRoleIds: string[] }> =>
      this.call('assignMemberRoles', { params: { id, userId }, body: { organizationRoleIds } }),
    removeMemberRole: (id: string, userId: string, organizationRoleId: string): Promise<void> =>
      this.call('removeMemberRole', { params: { id, userId, organizationRoleId } }),
    scopes: {
      create: (input: { name: string; description?: string | null }): Promise<OrganizationScope> =>
        this.call('createOrganizationScope', { body: input }),
      list: (): Promise<OrganizationScope[]> => this.call('listOrganizationScopes', {}),
      get: (id: string): Promise<OrganizationScope> => this.call('getOrganizationScope', { params: { id } }),
      update: (id: string, input: { name?: string; description?: string | null }): Promise<OrganizationScope> =>
        this.call('updateOrganizationScope', { params: { id }, body: input }),
      delete: (id: string): Promise<void> => this.call('deleteOrganizationScope', { params: { id } }),
    },
    roles: {
      create: (input: CreateOrganizationRoleInput): Promise<OrganizationRole> =>
        this.call('createOrganizationRole', { body: input }),
      list: (): Promise<OrganizationRole[]> => this.call('listOrganizationRoles', {}),
      get: (id: string): Promise<OrganizationRole> => this.call('getOrganizationRole', { params: { id } }),
      update: (id: string, input: { name?: string; description?: string | null }): Promise<OrganizationRole> =>
        this.call('updateOrganizationRole', { params: { id }, body: input }),
      delete: (id: string): Promise<void> => this.call('deleteOrganizationRole', { params: { id } }),
      scopes: (id: string): Promise<OrganizationScope[]> => this.call('listOrganizationRoleScopes', { params: { id } }),
      addScopes: (id: string, organizationScopeIds: string[]): Promise<void> =>
        this.call('addOrganizationRoleScopes', { params: { id }, body: { organizationScopeIds } }),
      removeScope: (id: string, organizationScopeId: string): Promise<void> =>
        this.call('removeOrganizationRoleScope', { params: { id, organizationScopeId } }),
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
