/**
 * The page's only way out: same-origin calls to its console server, which signs management calls
 * (`/console/api/*`) and forwards the public OAuth endpoints (`/console/oidc/*`).
 */
import type {
  ApiResource,
  Application,
  ApplicationType,
  AuthorizationServerMetadata,
  CreatedPersonalAccessToken,
  PersonalAccessToken,
  RotatedPersonalAccessToken,
  TokenResponse,
  User,
} from '../../client/types';
import { tokenExchangeRequest, type ExchangeInput } from '../../client/token-exchange-request';
import { CONSOLE_HEADER, type ConsoleConfig } from '../shared/contract';

export type {
  ApiResource,
  Application,
  ApplicationType,
  CreatedPersonalAccessToken,
  PersonalAccessToken,
  TokenResponse,
  User,
};

/** An API's error, with the `{code, message}` it answered (or the closest equivalent). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Reply {
  status: number;
  body: unknown;
  /** API Gateway names its own errors in a header, e.g. `InvalidSignatureException`. */
  errorType?: string;
  /** A list's `Total-Number` (Logto's pagination), as the console server passes it on. */
  total?: number;
}

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  let response: Response;
  try {
    response = await fetch(`/console${path}`, {
      method,
      headers: { [CONSOLE_HEADER]: '1', accept: 'application/json', ...init.headers },
      body: init.body,
    });
  } catch {
    throw new ApiError(0, 'console.offline', 'The console server did not answer. Is it still running?');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  const total = response.headers.get('total-number');
  return {
    status: response.status,
    body,
    errorType: response.headers.get('x-amzn-errortype') ?? undefined,
    total: total === null ? undefined : Number(total),
  } satisfies Reply;
}

/**
 * Management errors are `{code, message}`; API Gateway's own are `{message}`; OAuth's `{error, error_description}`
 * (with Logto's `code: "oidc.<error>"` too: the RFC 6749 `error` is the one shown).
 */
export function errorOf({ status, body, errorType }: Reply): ApiError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const code = text('error') ?? text('code') ?? errorType ?? `http.${status}`;
  const message =
    text('message') ??
    text('error_description') ??
    text('error') ??
    (typeof body === 'string' && body ? body : `The request failed with HTTP ${status}.`);
  return new ApiError(status, code, message);
}

async function callForReply(method: string, path: string, body?: unknown): Promise<Reply> {
  const reply = await send(
    method,
    path,
    body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  if (reply.status >= 200 && reply.status < 300) return reply;
  throw errorOf(reply);
}

const call = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
  (await callForReply(method, path, body)).body as T;

const userPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}`;
const patsPath = (userId: string) => `${userPath(userId)}/personal-access-tokens`;

export interface UserQuery {
  page: number;
  pageSize: number;
  search?: string;
}

export interface UserPage {
  users: User[];
  /** Users matching the search, over all pages. */
  total: number;
}

export interface NewUser {
  id?: string;
  username?: string;
  primaryEmail?: string;
  name?: string;
}

export type TokenExchangeInput = ExchangeInput;

export type TokenExchangeResult = { ok: true; token: TokenResponse } | { ok: false; error: ApiError };

export const api = {
  config: () => call<ConsoleConfig>('GET', '/config'),

  pats: {
    list: (userId: string) => call<PersonalAccessToken[]>('GET', patsPath(userId)),
    create: (userId: string, input: { name: string; expiresAt: number | null; scopes: string[] | null }) =>
      call<CreatedPersonalAccessToken>('POST', patsPath(userId), input),
    rename: (userId: string, currentName: string, name: string) =>
      call<PersonalAccessToken>('PATCH', patsPath(userId), { currentName, name }),
    delete: (userId: string, name: string) => call<void>('POST', `${patsPath(userId)}/delete`, { name }),
    /** A new value (returned once); the old one stops now (no grace from the console). */
    rotate: (userId: string, name: string) =>
      call<RotatedPersonalAccessToken>('POST', `${patsPath(userId)}/${encodeURIComponent(name)}/rotate`, {}),
    revokeAll: (userId: string) => call<void>('DELETE', patsPath(userId)),
  },

  users: {
    async list({ page, pageSize, search }: UserQuery): Promise<UserPage> {
      const query = new URLSearchParams({ page: String(page), page_size: String(pageSize) });
      if (search) query.set('search', search);
      const reply = await callForReply('GET', `/api/users?${query}`);
      const users = reply.body as User[];
      return { users, total: reply.total ?? users.length };
    },
    get: (userId: string) => call<User>('GET', userPath(userId)),
    create: (input: NewUser) => call<User>('POST', '/api/users', input),
    delete: (userId: string) => call<void>('DELETE', userPath(userId)),
    setSuspended: (userId: string, isSuspended: boolean) =>
      call<User>('PATCH', `${userPath(userId)}/is-suspended`, { isSuspended }),
  },

  applications: {
    list: () => call<Application[]>('GET', '/api/applications'),
    create: (input: { name: string; description: string | null; type: ApplicationType; allowTokenExchange: boolean }) =>
      call<Application>('POST', '/api/applications', {
        name: input.name,
        description: input.description,
        type: input.type,
        customClientMetadata: { allowTokenExchange: input.allowTokenExchange },
      }),
    setTokenExchange: (id: string, allowTokenExchange: boolean) =>
      call<Application>('PATCH', `/api/applications/${encodeURIComponent(id)}`, {
        customClientMetadata: { allowTokenExchange },
      }),
    delete: (id: string) => call<void>('DELETE', `/api/applications/${encodeURIComponent(id)}`),
  },

  resources: {
    list: () => call<ApiResource[]>('GET', '/api/resources'),
    create: (input: { name: string; indicator: string; accessTokenTtl: number | null; scopes: string[] }) =>
      call<ApiResource>('POST', '/api/resources', input),
    delete: (id: string) => call<void>('DELETE', `/api/resources/${encodeURIComponent(id)}`),
  },

  oidc: {
    /** RFC 8693 exchange; an OAuth error is a result to show, not an exception. */
    async exchange(input: TokenExchangeInput): Promise<TokenExchangeResult> {
      const reply = await send('POST', '/oidc/token', tokenExchangeRequest(input));
      return reply.status === 200
        ? { ok: true, token: reply.body as TokenResponse }
        : { ok: false, error: errorOf(reply) };
    },
    jwks: () => call<{ keys: JsonWebKey[] }>('GET', '/oidc/jwks'),
    discovery: () => call<AuthorizationServerMetadata>('GET', '/oidc/.well-known/openid-configuration'),
  },
};
