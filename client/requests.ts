/**
 * Management API calls, built from the route table: the method and path (parameters encoded) come from
 * `lambdas/routes.ts`, the body, query and response types from the operation's documentation in
 * `openapi/operations.ts`. A route added there is callable here with no code of its own.
 *
 * Browser-safe (no Node APIs): the typed client sends these requests signed with SigV4, the console page
 * through its console server; both raise PatgateApiError.
 */
import type { z } from 'zod';
import { routes, type Operation } from '../lambdas/routes';
import type { operationDocs } from '../openapi/operations';
import type {
  ApiResource,
  Application,
  ApplicationType,
  AuditEvent,
  CreatedPersonalAccessToken,
  CreatePersonalAccessTokenInput,
  CreateResourceInput,
  CreateUserInput,
  PersonalAccessToken,
  UpdateApplicationInput,
  UpdateResourceInput,
  PatPolicyOverride,
  UpdateUserInput,
  User,
} from './types';

/** A Management API error, with the `{code, message, details}` it answered (or the closest equivalent). */
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

type RouteOf<O extends Operation> = Extract<(typeof routes)[number], { operation: O }>;
export type ManagementOperation = Extract<(typeof routes)[number], { auth: 'iam' }>['operation'];

type ParamNames<P> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
export type PathParams<O extends Operation> = { [K in ParamNames<RouteOf<O>['path']>]: string };

type Doc<O extends Operation> = (typeof operationDocs)[O];
export type RequestBody<O extends Operation> =
  Doc<O> extends { body: infer B extends z.core.$ZodType } ? z.input<B> : undefined;
export type RequestQuery<O extends Operation> =
  Doc<O> extends { query: infer Q }
    ? { [K in keyof Q]?: Q[K] extends { schema: infer S extends z.core.$ZodType } ? z.output<S> : never }
    : undefined;
type Success<O extends Operation> = Doc<O>['success'];
/** The success body: the union of the documented success responses; `void` for no content. */
export type ResponseBody<O extends Operation> = {
  [S in keyof Success<O>]: Success<O>[S] extends z.core.$ZodType ? z.output<Success<O>[S]> : void;
}[keyof Success<O>];

/** What an operation takes: its path parameters, its body and its query, each only where it has one. */
export type RequestInput<O extends Operation> = ([keyof PathParams<O>] extends [never]
  ? { params?: undefined }
  : { params: PathParams<O> }) &
  (RequestBody<O> extends undefined ? { body?: undefined } : { body: RequestBody<O> }) &
  (RequestQuery<O> extends undefined ? { query?: undefined } : { query?: RequestQuery<O> });

export interface ManagementRequest {
  operation: Operation;
  method: string;
  /** The path with its parameters encoded, and the query string if any: append it to the API's base URL. */
  target: string;
  /** JSON text. */
  body?: string;
  headers: Record<string, string>;
}

/** Builds an operation's request from the route table. */
export function buildRequest<O extends Operation>(operation: O, input: RequestInput<O>): ManagementRequest {
  const route = routes.find((candidate) => candidate.operation === operation);
  if (!route) throw new Error(`No route for the operation ${operation}.`);
  const params = (input.params ?? {}) as Record<string, string>;
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operation} needs the path parameter ${name}.`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) query.set(name, String(value));
  }
  const search = query.toString();
  return {
    operation,
    method: route.method,
    target: search ? `${path}?${search}` : path,
    ...(input.body === undefined
      ? { headers: {} }
      : { body: JSON.stringify(input.body), headers: { 'content-type': 'application/json' } }),
  };
}

/** A response as both transports see it. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; undefined when it is empty or not JSON. */
  json: unknown;
}

/** Reads a fetch() response whole. */
export async function readReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * Management errors are `{code, message, details?}`; API Gateway's own are `{message}` and name themselves in
 * `x-amzn-errortype`; OAuth's are `{error, error_description}` (with Logto's `code: "oidc.<error>"` too: the
 * RFC 6749 `error` is the one kept).
 */
export function errorOf({ status, headers, text, json }: Reply): PatgateApiError {
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const field = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  return new PatgateApiError(
    status,
    field('error') ?? field('code') ?? headers.get('x-amzn-errortype') ?? `http.${status}`,
    field('message') ?? field('error_description') ?? field('error') ?? (text || `HTTP ${status}`),
    fields.details,
  );
}

/** Audit filters; `from`/`to` are epoch milliseconds, both inclusive. */
export interface AuditQuery {
  page?: number;
  pageSize?: number;
  action?: string;
  patName?: string;
  userId?: string;
  from?: number;
  to?: number;
}

/** Sends a built request; resolves with the response whatever its status. */
export type Transport = (request: ManagementRequest) => Promise<Reply>;

/** The Management API over a transport: the typed client's and the console's methods alike. */
export function managementApi(send: Transport) {
  async function exchange<O extends ManagementOperation>(operation: O, input: RequestInput<O>) {
    const reply = await send(buildRequest(operation, input));
    if (reply.status < 200 || reply.status >= 300) throw errorOf(reply);
    return { value: reply.json as ResponseBody<O>, reply };
  }
  /** Calls an operation and returns its success body; throws PatgateApiError otherwise. */
  const call = async <O extends ManagementOperation>(operation: O, input: RequestInput<O>) =>
    (await exchange(operation, input)).value;
  /**
   * Every item of a paginated list, page after page of 100 until `Total-Number` is reached (Logto's lists
   * answer 20 items by default).
   */
  async function all<O extends ManagementOperation>(operation: O, input: RequestInput<O>): Promise<ResponseBody<O>> {
    const items: unknown[] = [];
    for (let page = 1; ; page++) {
      const query = { ...(input.query ?? {}), page, page_size: 100 };
      const { value, reply } = await exchange(operation, { ...input, query } as RequestInput<O>);
      const got = value as unknown[];
      items.push(...got);
      const total = Number(reply.headers.get('total-number') ?? items.length);
      if (got.length === 0 || items.length >= total) return items as ResponseBody<O>;
    }
  }
  const user = (userId: string) => ({ params: { userId } });
  const id = (value: string) => ({ params: { id: value } });

  return {
    call,
    all,

    pats: {
      create: (userId: string, input: CreatePersonalAccessTokenInput): Promise<CreatedPersonalAccessToken> =>
        call('createPersonalAccessToken', { ...user(userId), body: input }),
      list: (userId: string): Promise<PersonalAccessToken[]> => call('listPersonalAccessTokens', user(userId)),
      rename: (userId: string, currentName: string, name: string): Promise<PersonalAccessToken> =>
        call('renamePersonalAccessToken', { ...user(userId), body: { currentName, name } }),
      delete: (userId: string, name: string): Promise<void> =>
        call('deletePersonalAccessToken', { ...user(userId), body: { name } }),
      revokeAll: (userId: string): Promise<void> => call('revokeAllPersonalAccessTokens', user(userId)),
    },

    users: {
      create: (input: CreateUserInput = {}): Promise<User> => call('createUser', { body: input }),
      /** One page (Logto's pagination), with the total count over all pages from `Total-Number`. */
      async list(query: { page?: number; pageSize?: number; search?: string } = {}) {
        const { value, reply } = await exchange('listUsers', {
          query: { page: query.page, page_size: query.pageSize, search: query.search },
        });
        return { users: value, total: Number(reply.headers.get('total-number') ?? value.length) };
      },
      get: (userId: string): Promise<User> => call('getUser', user(userId)),
      update: (userId: string, input: UpdateUserInput): Promise<User> =>
        call('updateUser', { ...user(userId), body: input }),
      delete: (userId: string): Promise<void> => call('deleteUser', user(userId)),
      setSuspended: (userId: string, isSuspended: boolean): Promise<User> =>
        call('setUserSuspended', { ...user(userId), body: { isSuspended } }),
    },

    audit: {
      /** One page of events, newest first, with the total over all pages from `Total-Number`. */
      async list({ page, pageSize, ...filters }: AuditQuery = {}): Promise<{ events: AuditEvent[]; total: number }> {
        const { value, reply } = await exchange('listAuditLogs', { query: { page, page_size: pageSize, ...filters } });
        return { events: value, total: Number(reply.headers.get('total-number') ?? value.length) };
      },
      /** One user's events (their user and PAT changes), as `list`. */
      async listForUser(
        userId: string,
        { page, pageSize, userId: _ignored, ...filters }: AuditQuery = {},
      ): Promise<{ events: AuditEvent[]; total: number }> {
        const { value, reply } = await exchange('listUserAuditLogs', {
          ...user(userId),
          query: { page, page_size: pageSize, ...filters },
        });
        return { events: value, total: Number(reply.headers.get('total-number') ?? value.length) };
      },
    },

    applications: {
      create: (input: {
        name: string;
        type: ApplicationType;
        description?: string | null;
        allowTokenExchange?: boolean;
        patPolicy?: PatPolicyOverride | null;
      }): Promise<Application> =>
        call('createApplication', {
          body: {
            name: input.name,
            type: input.type,
            ...(input.description === undefined ? {} : { description: input.description }),
            customClientMetadata: { allowTokenExchange: input.allowTokenExchange ?? false },
            ...(input.patPolicy === undefined ? {} : { patPolicy: input.patPolicy }),
          },
        }),
      list: (): Promise<Application[]> => call('listApplications', {}),
      get: (applicationId: string): Promise<Application> => call('getApplication', id(applicationId)),
      update: (applicationId: string, input: UpdateApplicationInput): Promise<Application> =>
        call('updateApplication', { ...id(applicationId), body: input }),
      setTokenExchange: (applicationId: string, allowTokenExchange: boolean): Promise<Application> =>
        call('updateApplication', { ...id(applicationId), body: { customClientMetadata: { allowTokenExchange } } }),
      delete: (applicationId: string): Promise<void> => call('deleteApplication', id(applicationId)),
    },

    resources: {
      create: (input: CreateResourceInput): Promise<ApiResource> => call('createResource', { body: input }),
      list: (): Promise<ApiResource[]> => call('listResources', {}),
      get: (resourceId: string): Promise<ApiResource> => call('getResource', id(resourceId)),
      update: (resourceId: string, input: UpdateResourceInput): Promise<ApiResource> =>
        call('updateResource', { ...id(resourceId), body: input }),
      delete: (resourceId: string): Promise<void> => call('deleteResource', id(resourceId)),
    },

    /** The service's OpenAPI 3.1 document. */
    openApiDocument: (): Promise<Record<string, unknown>> => call('getOpenApiDocument', {}),
  };
}

export type ManagementApi = ReturnType<typeof managementApi>;
