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
  TokenResponse,
  UserSuspension,
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
  return {
    status: response.status,
    body,
    errorType: response.headers.get('x-amzn-errortype') ?? undefined,
  } satisfies Reply;
}

/** Management errors are `{code, message}`; API Gateway's own are `{message}`; OAuth's `{error, error_description}`. */
export function errorOf({ status, body, errorType }: Reply): ApiError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const code = text('code') ?? text('error') ?? errorType ?? `http.${status}`;
  const message =
    text('message') ??
    text('error_description') ??
    text('error') ??
    (typeof body === 'string' && body ? body : `The request failed with HTTP ${status}.`);
  return new ApiError(status, code, message);
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const reply = await send(
    method,
    path,
    body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  if (reply.status >= 200 && reply.status < 300) return reply.body as T;
  throw errorOf(reply);
}

const patsPath = (userId: string) => `/api/users/${encodeURIComponent(userId)}/personal-access-tokens`;

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
    revokeAll: (userId: string) => call<void>('DELETE', patsPath(userId)),
  },

  users: {
    setSuspended: (userId: string, isSuspended: boolean) =>
      call<UserSuspension>('PATCH', `/api/users/${encodeURIComponent(userId)}/is-suspended`, {
        isSuspended,
      }),
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

/** RFC 6749 §2.3.1: form-encode id and secret, then Basic. */
