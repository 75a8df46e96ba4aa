/**
 * A local stand-in for the deployed API Gateway REST API: serves the route table over HTTP and invokes the
 * Lambda handlers in-process through the Lambda proxy integration contract.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HandlerName, Route } from '../../lambdas/routes';
import { closeServer, listen } from '../../console/server/http-server';
import { buildProxyEvent, type ReceivedRequest } from './event';
import { invokeProxyHandler, type ProxyHandler } from './lambda';
import { fromProxyResult, gatewayResponse, type HttpResponse } from './response';
import { createRouter, type RouteMatch } from './router';
import { verifySigV4 } from './sigv4';

export type { ProxyHandler } from './lambda';

export interface LocalGatewayOptions {
  routes: readonly Route[];
  /** Called once per handler name, on first use; the handler then stays warm. A failed load is retried. */
  loadHandler: (name: HandlerName) => Promise<ProxyHandler>;
  /** Access key id to secret access key, for SigV4 on `iam` routes. */
  credentials: ReadonlyMap<string, string>;
  region: string;
  accountId?: string;
  /** Reported in the event's request context; the local URL has no stage prefix. Defaults to `local`. */
  stage?: string;
  /** Defaults to 0, any free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** One access line per request, plus handler failures. Never given bodies or credentials. */
  log?: (line: string) => void;
  /**
   * Local-only extras served on the same origin, outside the route table (e.g. the operator console at
   * `/console`): requests whose path is `prefix` or starts with `prefix/` go to `handler` instead.
   */
  mounts?: readonly GatewayMount[];
}

export interface GatewayMount {
  prefix: string;
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface LocalGateway {
  /** `http://host:port`, with no trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_ACCOUNT_ID = '000000000000';

const MISSING_AUTHENTICATION_TOKEN = gatewayResponse(
  403,
  'Missing Authentication Token',
  'MissingAuthenticationTokenException',
);
const REQUEST_TOO_LONG = gatewayResponse(413, 'Request Too Long');
const INTERNAL_SERVER_ERROR = gatewayResponse(502, 'Internal server error', 'InternalServerErrorException');

interface RequestMeta {
  requestId: string;
  extendedRequestId: string;
  receivedAt: Date;
  rawPath: string;
  rawQuery: string;
}

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const router = createRouter(options.routes);
  const loadHandler = warmHandlers(options.loadHandler);
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const stage = options.stage ?? 'local';
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(line));

  async function respond(req: IncomingMessage, meta: RequestMeta): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    if (hasDotSegment(meta.rawPath)) return MISSING_AUTHENTICATION_TOKEN;
    const match = router.match(method, meta.rawPath);
    if (!match) return MISSING_AUTHENTICATION_TOKEN;

    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) return REQUEST_TOO_LONG;

    let callerAccessKeyId: string | undefined;
    if (match.route.auth === 'iam') {
      const verdict = verifySigV4(
        { method, rawPath: meta.rawPath, rawQuery: meta.rawQuery, headers: req.headersDistinct, body },
        { region: options.region, service: 'execute-api', credentials: options.credentials },
      );
      if (!verdict.ok) return gatewayResponse(403, verdict.message, verdict.errorType);
      callerAccessKeyId = verdict.accessKeyId;
    }

    const request: ReceivedRequest = {
      method,
      rawPath: meta.rawPath,
      rawQuery: meta.rawQuery,
      rawHeaders: req.rawHeaders,
      body,
      httpVersion: req.httpVersion,
      sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      localPort: req.socket.localPort ?? 0,
    };
    return invoke(match, request, { ...meta, callerAccessKeyId });
  }

  async function invoke(
    match: RouteMatch,
    request: ReceivedRequest,
    meta: RequestMeta & { callerAccessKeyId: string | undefined },
  ): Promise<HttpResponse> {
    const handlerName = match.route.handler;
    try {
      const event = buildProxyEvent(request, { ...meta, match, accountId, stage });
      const handler = await loadHandler(handlerName);
      const result = await invokeProxyHandler(handler, event, {
        handlerName,
        region: options.region,
        accountId,
        awsRequestId: randomUUID(),
      });
      return fromProxyResult(result);
    } catch (error) {
      log(`${meta.requestId} handler ${handlerName} failed: ${describe(error)}`);
      return INTERNAL_SERVER_ERROR;
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const meta: RequestMeta = {
      requestId: randomUUID(),
      extendedRequestId: randomBytes(11).toString('base64'),
      receivedAt: new Date(),
      ...splitTarget(req.url ?? '/'),
    };
    const mount = options.mounts?.find(
      ({ prefix }) => meta.rawPath === prefix || meta.rawPath.startsWith(`${prefix}/`),
    );
    if (mount) {
      await mount.handler(req, res);
      log(`${req.method} ${meta.rawPath} ${res.statusCode} ${Math.round(performance.now() - startedAt)}ms`);
      return;
    }
    const response = await respond(req, meta);
    send(res, response, meta);
    log(`${req.method} ${meta.rawPath} ${response.statusCode} ${Math.round(performance.now() - startedAt)}ms`);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url} aborted: ${describe(error)}`);
      res.destroy();
    });
  });
  const { port, origin } = await listen(server, options.port ?? 0, host);
  return {
    url: origin,
    port,
    close: () => closeServer(server),
  };
}

/** Lambda keeps an initialised handler warm; an init failure is retried by the next invocation. */
function warmHandlers(load: LocalGatewayOptions['loadHandler']): (name: HandlerName) => Promise<ProxyHandler> {
  const loaded = new Map<HandlerName, Promise<ProxyHandler>>();
  return (name) => {
    let handler = loaded.get(name);
    if (!handler) {
      handler = Promise.resolve().then(() => load(name));
      handler.catch(() => loaded.delete(name));
      loaded.set(name, handler);
    }
    return handler;
  };
}

/**
 * A literal `.` or `..` segment. SigV4 signers (the AWS SDKs, botocore) remove dot segments before signing, so
 * routing such a path as sent would act on a path other than the one whose signature was verified: a signature
 * for `DELETE …/personal-access-tokens` (revoke all) would delete the PAT named `.` from `…/personal-access-tokens/.`.
 * We found no AWS documentation of what a REST API does with them (nor a public report of it), so rather than
 * guess a normalisation we refuse them as matching no resource: API Gateway's 403 for an unknown path. Clients
 * never send them (WHATWG URL, curl and the SDKs resolve them first); `%2E` is an ordinary character here, as
 * for the signer, and the handlers refuse user ids and PAT names `.` and `..`.
 */
function hasDotSegment(rawPath: string): boolean {
  return rawPath.split('/').some((segment) => segment === '.' || segment === '..');
}

function splitTarget(target: string): Pick<RequestMeta, 'rawPath' | 'rawQuery'> {
  const queryStart = target.indexOf('?');
  return queryStart === -1
    ? { rawPath: target, rawQuery: '' }
    : { rawPath: target.slice(0, queryStart), rawQuery: target.slice(queryStart + 1) };
}

/** Resolves `undefined` once the body exceeds `limit`; the rest is then drained unread so a response can go out. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else resolve(undefined);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: HttpResponse, meta: RequestMeta): void {
  const headers = [
    ...response.headers,
    ['x-amzn-RequestId', meta.requestId],
    ['x-amz-apigw-id', meta.extendedRequestId],
    ['Content-Length', String(response.body.length)],
  ];
  res.writeHead(response.statusCode, headers.flat());
  res.end(response.body);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
