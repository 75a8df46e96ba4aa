/**
 * The page's only way out: same-origin calls to its console server, which signs management calls
 * (`/console/api/*`) and forwards the public OAuth endpoints (`/console/oidc/*`). The management calls are
 * the typed client's own (client/requests.ts), sent through the console server instead of signed here.
 */
import { errorOf, managementApi, PatgateApiError, readReply } from '../../client/requests';
import { tokenExchangeRequest, type ExchangeInput } from '../../client/token-exchange-request';
import type {
  ApiResource,
  Application,
  ApplicationType,
  AuditEvent,
  AuthorizationServerMetadata,
  CreatedPersonalAccessToken,
  Organization,
  OrganizationMember,
  OrganizationRole,
  OrganizationScope,
  PersonalAccessToken,
  Role,
  RotatedPersonalAccessToken,
  Scope,
  ScopeWithResource,
  TokenResponse,
  User,
} from '../../client/types';
import { CONSOLE_HEADER, type ConsoleConfig } from '../shared/contract';

export { PatgateApiError };
export type {
  ApiResource,
  Application,
  ApplicationType,
  AuditEvent,
  CreatedPersonalAccessToken,
  Organization,
  OrganizationMember,
  OrganizationRole,
  OrganizationScope,
  PersonalAccessToken,
  Role,
  Scope,
  ScopeWithResource,
  TokenResponse,
  User,
};
export type { AuditQuery } from '../../client/requests';

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  let response: Response;
  try {
    response = await fetch(`/console${path}`, {
      method,
      headers: { [CONSOLE_HEADER]: '1', accept: 'application/json', ...init.headers },
      body: init.body,
    });
  } catch {
    throw new PatgateApiError(0, 'console.offline', 'The console server did not answer. Is it still running?');
  }
  return readReply(response);
}

async function call<T>(method: string, path: string): Promise<T> {
  const reply = await send(method, path);
  if (reply.status >= 200 && reply.status < 300) return reply.json as T;
  throw errorOf(reply);
}

export interface UserPage {
  users: User[];
  /** Users matching the search, over all pages. */
  total: number;
}

export type TokenExchangeResult = { ok: true; token: TokenResponse } | { ok: false; error: PatgateApiError };

const management = managementApi((request) => send(request.method, request.target, request));

export const api = {
  config: () => call<ConsoleConfig>('GET', '/config'),

  ...management,
  pats: {
    ...management.pats,
    /** A new value (returned once); the old one stops now (no grace from the console). */
    rotate: (userId: string, name: string) =>
      management.call('rotatePersonalAccessToken', { params: { userId, name }, body: {} }),
  },

  oidc: {
    /** RFC 8693 exchange; an OAuth error is a result to show, not an exception. */
    async exchange(input: ExchangeInput): Promise<TokenExchangeResult> {
      const reply = await send('POST', '/oidc/token', tokenExchangeRequest(input));
      return reply.status === 200
        ? { ok: true, token: reply.json as TokenResponse }
        : { ok: false, error: errorOf(reply) };
    },
    jwks: () => call<{ keys: JsonWebKey[] }>('GET', '/oidc/jwks'),
    discovery: () => call<AuthorizationServerMetadata>('GET', '/oidc/.well-known/openid-configuration'),
  },
};
