/**
 * The server side of the operator console: serves the built page under `/console/` and forwards the
 * page's calls to a patgate deployment (or the local service). Management calls (`/console/api/*`) are
 * signed here with SigV4, so the page never sees AWS credentials; the OAuth endpoints the "try it" panel
 * uses (`/console/oidc/*`) are public and forwarded unsigned.
 *
 * Whoever can reach this handler acts with the operator's credentials, so it answers only on a loopback
 * host name (which also defeats DNS rebinding); it serves nothing without this run's session cookie, which
 * only the access token in the printed URL obtains (as notebook servers do: any local process can reach a
 * loopback port, only the operator has the URL); and it forwards only same-origin calls that carry the
 * console's header (a cross-site page can neither send that header without a CORS preflight, which is
 * never granted, nor forge `Origin`).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { sendRequest, type SigningOptions } from '../../client/signed-fetch';
import { CONSOLE_HEADER, type ConsoleConfig } from '../shared/contract';

export interface ConsoleHandlerOptions {
  /**
   * Base URL of the patgate API (a stage URL or the local gateway), e.g. `https://…/prod`; a function
   * when it is known only later (the local service mounts the console before its gateway listens).
   */
  apiEndpoint: string | (() => string);
  /** Region and credentials (static, or a provider such as `fromNodeProviderChain()`) to sign with. */
  signing: SigningOptions;
  /** The built page; defaults to `console/dist`. */
  staticDir?: string;
  /**
   * This run's secret (`newConsoleAccessToken()`): `GET /console/?token=…` trades it for the session cookie.
   * Print or open `consoleEntryUrl(origin, accessToken)`; never log it elsewhere.
   */
  accessToken: string;
}

/** A fresh per-run access token: 256 random bits, URL-safe. */
export const newConsoleAccessToken = () => randomBytes(32).toString('base64url');

/** The URL to print or open: the page, with the token that buys the session cookie. */
export const consoleEntryUrl = (origin: string, accessToken: string) =>
  `${origin}${CONSOLE_PATH}/?token=${encodeURIComponent(accessToken)}`;

/** A Node request listener for everything under `/console`; anything else is answered 404. */
export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export const CONSOLE_PATH = '/console';
export const defaultStaticDir = join(__dirname, '..', 'dist');

/** The public OAuth endpoints the page may reach, by their path under `/oidc`. */
const OIDC_PATHS = new Set(['/token', '/jwks', '/.well-known/openid-configuration']);
/** Management bodies are at most 64 KiB; anything much larger is not from the page. */
const MAX_BODY_BYTES = 256 * 1024;
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const SESSION_COOKIE = 'patgate-console';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Hardening for the page itself: no inline script, nothing loaded from elsewhere, never framed. */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createConsoleHandler(options: ConsoleHandlerOptions): ConsoleHandler {
  if (options.accessToken.length < 16) throw new Error('The console access token is too short.');
  const tokenDigest = sha256(options.accessToken);
  // The cookie carries a value derived from the token, not the token itself.
  const sessionValue = createHmac('sha256', options.accessToken).update('patgate console session').digest('base64url');
  const sessionDigest = sha256(sessionValue);
  const endpointOption = options.apiEndpoint;
  const apiEndpoint = () =>
    (typeof endpointOption === 'string' ? endpointOption : endpointOption()).replace(/\/+$/, '');
  const staticDir = options.staticDir ?? defaultStaticDir;

  /**
   * `GET /console/?token=…` with this run's token sets the session cookie and redirects to the clean URL (so the
   * token leaves the address bar and history); every other request needs the cookie.
   */
  function authenticate(req: IncomingMessage, res: ServerResponse, path: string, query: string): boolean {
    const cookieName = `${SESSION_COOKIE}-${req.socket.localPort ?? 0}`;
    const token = new URLSearchParams(query).get('token');
    if (token !== null && path === `${CONSOLE_PATH}/` && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!timingSafeEqual(sha256(token), tokenDigest)) throw unauthorized();
      res.writeHead(303, {
        // Cookies don't tell ports apart: the name does, so two consoles on one host keep their own sessions.
        'Set-Cookie': `${cookieName}=${sessionValue}; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict`,
        Location: `${CONSOLE_PATH}/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'Content-Length': 0,
      });
      res.end();
      return false;
    }
    const presented = cookieValue(req.headers.cookie, cookieName);
    if (presented === undefined || !timingSafeEqual(sha256(presented), sessionDigest)) throw unauthorized();
    return true;
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    if (path === CONSOLE_PATH) return redirect(res, `${CONSOLE_PATH}/${query}`);
    if (!authenticate(req, res, path, query)) return;
    const rest = path.slice(CONSOLE_PATH.length);
    // Forwarded paths are passed on as they are; a dot-segment would let URL parsing move them elsewhere.
    if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rest)) throw notFound();

    if (rest === '/config') {
      checkSameOrigin(req);
      const config: ConsoleConfig = { apiEndpoint: apiEndpoint(), region: options.signing.region };
      return sendJson(res, 200, config);
    }
    if (rest.startsWith('/api/')) {
      checkSameOrigin(req);
      return forward(req, res, `${rest}${query}`, { signed: true });
    }
    if (rest.startsWith('/oidc/')) {
      checkSameOrigin(req);
      if (!OIDC_PATHS.has(rest.slice('/oidc'.length))) throw notFound();
      return forward(req, res, rest, { signed: false });
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new ConsoleError(405, 'console.method_not_allowed', `${req.method} is not allowed here.`);
    }
    const file = rest === '/' ? 'index.html' : rest.slice(1);
    // The build is flat: one path segment, no dot-segments, nothing outside staticDir.
    if (!/^[\w-]+(\.[\w-]+)+$/.test(file)) throw notFound();
    return sendFile(res, file, req.method === 'HEAD');
  }

  /** Forwards to `${apiEndpoint}${path}`; management calls are signed, the OAuth endpoints are public. */
  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    { signed }: { signed: boolean },
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const target = canonicalTarget(path, signed ? '/api/' : '/oidc/');
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept'] as const) {
      const value = req.headers[name];
      // Client authentication (HTTP Basic) belongs to the token endpoint only.
      if (typeof value === 'string' && (name !== 'authorization' || !signed)) headers[name] = value;
    }
    let upstream;
    try {
      upstream = await sendRequest(method, target, {
        body,
        headers,
        signing: signed ? options.signing : undefined,
      });
    } catch (error) {
      throw upstreamFailure(error);
    }
    const responseHeaders: Record<string, string> = { 'Cache-Control': 'no-store' };
    // Total-Number: a list's size over all pages. Link is left out: its URLs are the API's, not the console's.
    for (const name of ['content-type', 'retry-after', 'x-amzn-errortype', 'total-number']) {
      const value = upstream.headers.get(name);
      if (value !== null) responseHeaders[name] = value;
    }
    res.writeHead(upstream.status, responseHeaders);
    res.end(upstream.text);
  }

  /**
   * The URL the call goes to, parsed as `fetch` will parse it (WHATWG: `\` is `/`, `%2e%2e` is `..`, dot segments
   * resolved), and refused unless it stays under the endpoint's path + `under`, e.g. `/prod/api/`.
   */
  function canonicalTarget(path: string, under: string): string {
    const base = new URL(apiEndpoint());
    const prefix = `${base.pathname.replace(/\/+$/, '')}${under}`;
    let target: URL;
    try {
      target = new URL(`${apiEndpoint()}${path}`);
    } catch {
      throw notFound();
    }
    if (target.origin !== base.origin || !target.pathname.startsWith(prefix) || target.hash !== '') throw notFound();
    return target.href;
  }

  function upstreamFailure(error: unknown): ConsoleError {
    const detail = describe(error);
    if (error instanceof Error && error.name === 'CredentialsProviderError') {
      return new ConsoleError(502, 'console.no_credentials', `The console could not load AWS credentials: ${detail}`);
    }
    return new ConsoleError(
      502,
      'console.upstream_unreachable',
      `The console could not reach ${apiEndpoint()}: ${detail}`,
    );
  }

  async function sendFile(res: ServerResponse, file: string, headOnly: boolean): Promise<void> {
    let content: Buffer;
    try {
      content = await readFile(join(staticDir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (file === 'index.html') {
        throw new ConsoleError(503, 'console.not_built', 'The console is not built yet: run `npm run build:console`.');
      }
      throw notFound();
    }
    res.writeHead(200, {
      ...PAGE_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': content.length,
    });
    res.end(headOnly ? undefined : content);
  }

  return async (req, res) => {
    try {
      checkHost(req);
      const target = req.url ?? '/';
      const queryStart = target.indexOf('?');
      const path = queryStart === -1 ? target : target.slice(0, queryStart);
      const query = queryStart === -1 ? '' : target.slice(queryStart);
      if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) throw notFound();
      await route(req, res, path, query);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const known = error instanceof ConsoleError ? error : new ConsoleError(500, 'console.internal', describe(error));
      sendJson(res, known.status, { code: known.code, message: known.message });
    }
  };
}

/** Only loopback names: the console must never become an admin surface on a network. */
function checkHost(req: IncomingMessage): void {
  const host = req.headers.host ?? '';
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (!LOOPBACK_HOSTNAMES.has(hostname)) {
    throw new ConsoleError(
      403,
      'console.loopback_only',
      'The console answers only on localhost, 127.0.0.1 or [::1]: it acts with the operator’s AWS credentials.',
    );
  }
}

function checkSameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  const fromPage = req.headers[CONSOLE_HEADER] === '1';
  if (!fromPage || (origin !== undefined && origin !== `http://${req.headers.host}`)) {
    throw new ConsoleError(403, 'console.cross_origin', 'Only the console page itself may call this endpoint.');
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator !== -1 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ConsoleError(413, 'console.body_too_large', 'The request body is too large.'));
        req.resume();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(308, { Location: location, 'Content-Length': 0 });
  res.end();
}

const notFound = () => new ConsoleError(404, 'console.not_found', 'Not found.');
const unauthorized = () =>
  new ConsoleError(
    401,
    'console.unauthorized',
    'Open the console with the URL that `npm start` or `patgate console` printed: it carries this run’s access token.',
  );

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
