/**
 * The console's server side without a browser: the standalone server (`startConsoleServer`, what
 * `patgate console` runs for a deployed stack) in front of the local service, standing in for a deployment,
 * and the same handler mounted by the local service at /console.
 */
import { createServer, request } from 'node:http';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole } from '../console/build';
import { regionOfEndpoint } from '../client/management-client';
import { startConsoleServer, type ConsoleServer } from '../console/server/server';
import { CONSOLE_HEADER } from '../console/shared/contract';
import { closeServer, listen } from '../console/server/http-server';
import { startTestService, type TestService } from './harness/service';
import { assertHostile, hostileTally, hostileTimeout } from './support/hostile-runs';

let service: TestService;
let consoleServer: ConsoleServer;
let staticDir: string;
/** Session cookies by console port, as a browser gets them from the printed URL. */
const sessions = new Map<number, string>();

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'patgate-console-'));
  [service] = await Promise.all([startTestService(), buildConsole(staticDir)]);
  consoleServer = await startConsoleServer({
    endpoint: service.config.baseUrl,
    region: service.config.region,
    credentials: { accessKeyId: service.config.awsAccessKeyId, secretAccessKey: service.config.awsSecretAccessKey },
    staticDir,
  });
  await signIn(consoleServer.url);
  await signIn(service.config.consoleUrl);
});

afterAll(async () => {
  await consoleServer?.close();
  await service?.close();
  await rm(staticDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Opens the printed URL as a browser would: it answers with the session cookie and the clean URL. */
async function signIn(printedUrl: string): Promise<string> {
  const url = new URL(printedUrl);
  const reply = await send(Number(url.port), `${url.pathname}${url.search}`, { cookie: null });
  expect(reply.status).toBe(303);
  expect(reply.headers.location).toBe('/console/');
  const [setCookie] = reply.headers['set-cookie'] as string[];
  expect(setCookie).toMatch(/^patgate-console-\d+=[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict$/);
  expect(setCookie).not.toContain(url.searchParams.get('token'));
  const cookie = setCookie!.split(';')[0]!;
  sessions.set(Number(url.port), cookie);
  return cookie;
}

/**
 * A raw HTTP request, so that Host, Origin and odd paths go out exactly as written. It carries the session
 * cookie of the console on `port` unless `cookie` says otherwise (null: none).
 */
function send(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; cookie?: string | null } = {},
): Promise<Reply> {
  const cookie = init.cookie === undefined ? sessions.get(port) : init.cookie;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...(cookie ? { cookie } : {}), ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const fromPage = { [CONSOLE_HEADER]: '1' };

async function withServer(
  options: Partial<Parameters<typeof startConsoleServer>[0]>,
  run: (server: ConsoleServer) => Promise<void>,
) {
  const server = await startConsoleServer({
    endpoint: service.config.baseUrl,
    region: service.config.region,
    credentials: { accessKeyId: service.config.awsAccessKeyId, secretAccessKey: service.config.awsSecretAccessKey },
    staticDir,
    ...options,
  });
  try {
    await signIn(server.url);
    await run(server);
  } finally {
    await server.close();
  }
}

const json = { 'content-type': 'application/json' };

describe('the page', () => {
  it('redirects / and /console to /console/', async () => {
    for (const path of ['/', '/console']) {
      const reply = await send(consoleServer.port, path);
      expect(reply.status).toBe(308);
      expect(reply.headers.location).toBe('/console/');
    }
  });

  it('is served with a strict content security policy, and every asset it references is there', async () => {
    const page = await send(consoleServer.port, '/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');

    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.sort()).toEqual(['console.css', 'console.js', 'favicon.svg']);
    const types = await Promise.all(
      assets.map(async (asset) => (await send(consoleServer.port, `/console/${asset}`)).headers['content-type']),
    );
    expect(types).toEqual(['text/css; charset=utf-8', 'text/javascript; charset=utf-8', 'image/svg+xml']);
  });

  it('serves nothing outside its build, and forwards no dot-segments', async () => {
    for (const path of [
      '/console/api/../oidc/token',
      '/console/api/%2E%2E/oidc/token',
      '/console/%2e%2e/package.json',
      '/console/..%2Fbuild.ts',
      '/console/src/main.ts',
      '/console/nope.js',
      '/elsewhere',
    ]) {
      const reply = await send(consoleServer.port, path);
      expect({ path, status: reply.status, body: reply.json }).toEqual({
        path,
        status: 404,
        body: { code: 'console.not_found', message: 'Not found.' },
      });
    }
  });

  it('says how to build it when it is not built', async () => {
    const unbuilt = await startConsoleServer({
      endpoint: service.config.baseUrl,
      region: service.config.region,
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      staticDir: join(staticDir, 'missing'),
    });
    try {
      await signIn(unbuilt.url);
      const reply = await send(unbuilt.port, '/console/');
      expect(reply.status).toBe(503);
      expect(reply.json).toMatchObject({
        code: 'console.not_built',
        message: expect.stringContaining('npm run build:console'),
      });
    } finally {
      await unbuilt.close();
    }
  });
});

describe('forwarding', () => {
  it('signs management calls with the operator’s credentials and passes the answers through', async () => {
    const userId = await service.newUser();
    const created = await send(consoleServer.port, `/console/api/users/${userId}/personal-access-tokens`, {
      method: 'POST',
      headers: { ...fromPage, ...json },
      body: JSON.stringify({ name: 'via console', expiresAt: null }),
    });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.json).toMatchObject({ userId, name: 'via console', value: expect.stringMatching(/^pat_/) });
    expect(await service.client.pats.list(userId)).toEqual([expect.objectContaining({ name: 'via console' })]);

    const missing = await send(consoleServer.port, `/console/api/applications/doesnotexist`, { headers: fromPage });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ code: 'entity.not_exists', message: 'The application does not exist.' });
  });

  it('keeps query strings and percent-encoding as the page sent them', async () => {
    const userId = `${service.newUserId()}|x`;
    await service.client.users.create({ id: userId });
    await service.client.pats.create(userId, { name: 'a b/c' });
    const listed = await send(
      consoleServer.port,
      `/console/api/users/${encodeURIComponent(userId)}/personal-access-tokens?x=1`,
      {
        headers: fromPage,
      },
    );
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual([expect.objectContaining({ userId, name: 'a b/c' })]);
  });

  it('passes a list’s Total-Number on (not Link: its URLs are the API’s)', async () => {
    const tag = service.newUserId();
    for (const n of [1, 2, 3]) await service.client.users.create({ id: `${tag}-${n}` });
    const listed = await send(
      consoleServer.port,
      `/console/api/users?${new URLSearchParams({ search: tag, page: '2', page_size: '2' })}`,
      { headers: fromPage },
    );
    expect(listed.status).toBe(200);
    expect((listed.json as { id: string }[]).length).toBe(1);
    expect(listed.headers['total-number']).toBe('3');
    expect(listed.headers.link).toBeUndefined();
  });

  it('forwards the public OAuth endpoints unsigned, client authentication included', async () => {
    const userId = await service.newUser();
    const { value } = await service.client.pats.create(userId, { name: 'try it' });
    const { clientId, clientSecret } = service.config.demoApplication;
    const exchanged = await send(consoleServer.port, '/console/oidc/token', {
      method: 'POST',
      headers: {
        ...fromPage,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: value,
        subject_token_type: 'urn:logto:token-type:personal_access_token',
      }).toString(),
    });
    expect(exchanged.status).toBe(200);
    const { payload } = await service.verify((exchanged.json as { access_token: string }).access_token);
    expect(payload.sub).toBe(userId);

    const jwks = await send(consoleServer.port, '/console/oidc/jwks', { headers: fromPage });
    expect((jwks.json as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    const discovery = await send(consoleServer.port, '/console/oidc/.well-known/openid-configuration', {
      headers: fromPage,
    });
    expect(discovery.json).toMatchObject({ issuer: service.config.issuer });
    expect((await send(consoleServer.port, '/console/oidc/userinfo', { headers: fromPage })).status).toBe(404);
  });

  it('tells the page its endpoint and region', async () => {
    const config = await send(consoleServer.port, '/console/config', { headers: fromPage });
    expect(config.json).toEqual({ apiEndpoint: service.config.baseUrl, region: service.config.region });
  });
});

describe('who may use it', () => {
  it('serves and forwards nothing without this run’s session: the token in the printed URL is the only way in', async () => {
    const unauthorized = {
      code: 'console.unauthorized',
      message: expect.stringContaining('URL that `npm start` or `patgate console` printed'),
    };
    const wrongToken = new URL(consoleServer.url);
    wrongToken.searchParams.set('token', 'x'.repeat(43));
    for (const { port, session: cookie } of [
      { port: consoleServer.port, session: null },
      { port: consoleServer.port, session: 'patgate-console-1=forged' },
      // Another console's session (another port, another run) is no session here.
      { port: consoleServer.port, session: sessions.get(Number(new URL(service.config.baseUrl).port))! },
      { port: Number(new URL(service.config.baseUrl).port), session: null },
    ]) {
      const userId = await service.newUser();
      const requests: [string, { method?: string; headers?: Record<string, string>; body?: string }][] = [
        // Any local process could do this before: an application with a client secret, then a PAT for anyone.
        [
          '/console/api/applications',
          { method: 'POST', headers: { ...fromPage, ...json }, body: '{"name":"x","type":"MachineToMachine"}' },
        ],
        [
          `/console/api/users/${userId}/personal-access-tokens`,
          { method: 'POST', headers: { ...fromPage, ...json }, body: '{"name":"x"}' },
        ],
        ['/console/oidc/jwks', { headers: fromPage }],
        ['/console/config', { headers: fromPage }],
        ['/console/', {}],
        ['/console/console.js', {}],
        [`${wrongToken.pathname}${wrongToken.search}`, {}],
      ];
      for (const [path, init] of requests) {
        const reply = await send(port, path, { ...init, cookie });
        expect({ port, path, status: reply.status, body: reply.json }).toEqual({
          port,
          path,
          status: 401,
          body: unauthorized,
        });
        expect(reply.headers['set-cookie']).toBeUndefined();
      }
      expect(await service.client.pats.list(userId)).toEqual([]);
    }
    expect((await service.client.applications.list()).map((app) => app.name)).not.toContain('x');

    // The session is what the page carries from then on, on the clean URL.
    expect((await send(consoleServer.port, '/console/')).status).toBe(200);
  });

  it('forwards only to what stays under the endpoint’s path once parsed as it is sent (backslashes, %2e)', async () => {
    const victim = await service.newUser();
    await service.client.pats.create(victim, { name: 'kept' });
    // A deployment's stage URL has a path; here /prod, in front of the local service.
    await withServer({ endpoint: `${service.config.baseUrl}/prod` }, async (server) => {
      for (const path of [
        `/console/api/..\\..\\api\\users\\${victim}\\personal-access-tokens`,
        `/console/api/..\\..\\api\\users\\${victim}\\personal-access-tokens?x=1`,
        `/console/api/%2e%2e\\%2e%2e\\api\\users\\${victim}\\personal-access-tokens`,
        `/console/api/x\\..\\..\\..\\oidc\\token`,
        `/console/oidc/token\\..\\..\\api\\applications`,
        `/console/api/users/${victim}/personal-access-tokens#/../../../api/applications`,
      ]) {
        for (const method of ['GET', 'DELETE']) {
          const reply = await send(server.port, path, { method, headers: fromPage });
          expect({ path, method, status: reply.status, body: reply.json }).toEqual({
            path,
            method,
            status: 404,
            body: { code: 'console.not_found', message: 'Not found.' },
          });
        }
      }
    });
    expect((await service.client.pats.list(victim)).map((pat) => pat.name)).toEqual(['kept']);
  });

  it('answers only on loopback host names, which also defeats DNS rebinding', async () => {
    for (const host of ['localhost', `localhost:${consoleServer.port}`, `[::1]:${consoleServer.port}`]) {
      expect((await send(consoleServer.port, '/console/config', { headers: { ...fromPage, host } })).status).toBe(200);
    }
    for (const host of [`attacker.example:${consoleServer.port}`, `192.168.1.20:${consoleServer.port}`]) {
      const reply = await send(consoleServer.port, '/console/', { headers: { host } });
      expect({ host, status: reply.status, code: (reply.json as { code: string }).code }).toEqual({
        host,
        status: 403,
        code: 'console.loopback_only',
      });
    }
  });

  it('forwards only calls from its own page: the console header, and no foreign Origin', async () => {
    const path = '/console/api/applications';
    const refused = { code: 'console.cross_origin', message: 'Only the console page itself may call this endpoint.' };
    // A cross-site form post can't add the header; a cross-site fetch that adds it carries its Origin.
    const formPost = await send(consoleServer.port, path, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'http://attacker.example' },
      body: '{"name":"x","type":"SPA"}',
    });
    expect([formPost.status, formPost.json]).toEqual([403, refused]);
    const foreign = await send(consoleServer.port, path, {
      headers: { ...fromPage, origin: 'http://attacker.example' },
    });
    expect([foreign.status, foreign.json]).toEqual([403, refused]);

    const sameOrigin = await send(consoleServer.port, path, {
      headers: { ...fromPage, origin: `http://127.0.0.1:${consoleServer.port}` },
    });
    expect(sameOrigin.status).toBe(200);
  });
});

describe('failures the operator can act on', () => {
  it('passes API Gateway’s refusal of wrong credentials through', async () => {
    await withServer(
      { credentials: { accessKeyId: service.config.awsAccessKeyId, secretAccessKey: 'wrong' } },
      async (server) => {
        const reply = await send(server.port, '/console/api/applications', { headers: fromPage });
        expect(reply.status).toBe(403);
        expect(reply.json).toEqual({ message: expect.stringContaining('signature') });
      },
    );
  });

  it('explains missing credentials', async () => {
    const noCredentials = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      });
    };
    await withServer({ credentials: noCredentials }, async (server) => {
      const reply = await send(server.port, '/console/api/applications', { headers: fromPage });
      expect(reply.status).toBe(502);
      expect(reply.json).toEqual({
        code: 'console.no_credentials',
        message: 'The console could not load AWS credentials: Could not load credentials from any providers',
      });
    });
  });

  it('explains an unreachable endpoint', async () => {
    await withServer({ endpoint: 'http://127.0.0.1:9/prod' }, async (server) => {
      const reply = await send(server.port, '/console/api/applications', { headers: fromPage });
      expect(reply.status).toBe(502);
      expect(reply.json).toMatchObject({
        code: 'console.upstream_unreachable',
        message: expect.stringContaining('could not reach http://127.0.0.1:9/prod'),
      });
    });
  });
});

it('is mounted by the local service at /console, forwarding to itself', async () => {
  const port = Number(new URL(service.config.baseUrl).port);
  const config = await send(port, '/console/config', { headers: fromPage });
  expect(config.json).toEqual({ apiEndpoint: service.config.baseUrl, region: service.config.region });
  expect(service.config.consoleUrl).toMatch(new RegExp(`^${service.config.baseUrl}/console/\\?token=[\\w-]{43}$`));
  const apps = await send(port, '/console/api/applications', { headers: fromPage });
  expect(apps.json).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: service.config.demoApplication.clientId })]),
  );
});

it('tells the region of an API Gateway endpoint', () => {
  expect(regionOfEndpoint('https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod')).toBe('eu-west-1');
  expect(regionOfEndpoint('https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn/prod')).toBe('cn-north-1');
  expect(regionOfEndpoint('https://patgate.example.com')).toBeUndefined();
});

describe('hostile paths', () => {
  const tally = hostileTally('console');
  afterAll(() => tally.write());

  it(
    'never forwards outside the endpoint’s /api/ or /oidc/, however the path is spelled',
    async () => {
      // A stand-in deployment that records what reaches it.
      const reached: string[] = [];
      const upstream = createServer((req, res) => {
        reached.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      const { origin } = await listen(upstream, 0, '127.0.0.1');
      const segment = fc.constantFrom(
        '..',
        '.',
        '%2e',
        '%2E%2e',
        '.%2E',
        '%2e.',
        'api',
        'oidc',
        'token',
        'jwks',
        'users',
        'x',
        '\\',
        '..\\..',
        '%5c',
        '%2f',
        '#',
        '?',
        '',
        ';',
        '%00',
      );
      const paths = fc
        .tuple(
          fc.constantFrom('/console/api/', '/console/oidc/', '/console/'),
          fc.array(segment, { maxLength: 7 }),
          fc.constantFrom('/', '\\'),
        )
        .map(([prefix, segments, separator]) => `${prefix}${segments.join(separator)}`);
      try {
        await withServer({ endpoint: `${origin}/prod` }, async (server) => {
          await assertHostile(
            fc.asyncProperty(paths, fc.constantFrom('GET', 'POST', 'DELETE'), async (path, method) => {
              const before = reached.length;
              const reply = await send(server.port, path, {
                method,
                headers: { ...fromPage, ...json },
                body: method === 'GET' ? undefined : '{}',
              });
              tally.record('console forwarder path', reply);
              expect(reply.status).toBeLessThan(500);
              for (const url of reached.slice(before))
                expect({ path, url }).toEqual({ path, url: expect.stringMatching(/^\/prod\/(api|oidc)\//) });
            }),
            6_2027,
            300,
          );
        });
      } finally {
        await closeServer(upstream);
      }
      expect(reached.length).toBeGreaterThan(0);
    },
    hostileTimeout(30_000),
  );
});
