import { decodeProtectedHeader } from 'jose';
import { AwsCallLog, sequentialRoundTrips } from '../bench/aws-calls';
import { sendRequest } from '../client/signed-fetch';
import { dynamo, dynamoDb } from '../lambdas/shared/aws/dynamodb';
import { kms } from '../lambdas/shared/aws/kms';
import { hashPatValue } from '../lambdas/shared/crypto/pat-value';
import { lookupPat, touchPat } from '../lambdas/shared/store/pats';
import { startTestService, type TestService } from './harness/service';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const PAT_TYPE = 'urn:logto:token-type:personal_access_token';

let service: TestService;
let pat: string;
let userId: string;

const awsCalls = new AwsCallLog();

beforeAll(async () => {
  service = await startTestService();
  userId = await service.newUser();
  pat = (await service.client.pats.create(userId, { name: 'ci' })).value;
  awsCalls.instrument(dynamo());
  awsCalls.instrument(dynamoDb());
  awsCalls.instrument(kms());
});
afterAll(() => service.close());

const demo = () => service.config.demoApplication;

function tokenRequest(form: Record<string, string> | string, headers: Record<string, string> = {}) {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return sendRequest('POST', `${service.config.baseUrl}/oidc/token`, {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

const exchangeForm = (overrides: Record<string, string> = {}) => ({
  grant_type: GRANT,
  subject_token: pat,
  subject_token_type: PAT_TYPE,
  ...overrides,
});

describe('successful exchange', () => {
  it('issues an ES256 at+jwt that verifies against the served JWKS', async () => {
    const response = await tokenRequest(
      exchangeForm({ scope: 'openid profile email phone address' }),
      basic(demo().clientId, demo().clientSecret),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = response.json as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile email phone address',
    });

    const { payload, protectedHeader } = await service.verify(body.access_token as string);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toMatchObject({ sub: userId, iss: service.config.issuer, client_id: demo().clientId });
    expect(payload.aud).toBeUndefined();
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('accepts client_secret_post and narrows scopes to the OIDC ones requested', async () => {
    const response = await tokenRequest(
      exchangeForm({ client_id: demo().clientId, client_secret: demo().clientSecret, scope: 'openid email write:all' }),
    );
    expect(response.status).toBe(200);
    expect((response.json as { scope: string }).scope).toBe('openid email');
  });

  it('records lastUsedAt on the PAT', async () => {
    // A PAT of its own: a warm container writes lastUsedAt at most once per LAST_USED_INTERVAL_SECONDS per PAT.
    const fresh = await service.client.pats.create(userId, { name: 'last-used' });
    expect(fresh).not.toHaveProperty('lastUsedAt');
    const before = Date.now();
    const response = await tokenRequest(
      exchangeForm({ subject_token: fresh.value }),
      basic(demo().clientId, demo().clientSecret),
    );
    expect(response.status).toBe(200);
    const listed = (await service.client.pats.list(userId)).find((pat) => pat.name === 'last-used');
    expect(listed!.lastUsedAt).toBeGreaterThanOrEqual(before);
  });

  it("skips the lastUsedAt write while another container's record of the PAT's use is within the interval", async () => {
    // What another container wrote (touchPat, as the token function writes it), 10 s and then 61 s ago: the
    // interval (LAST_USED_INTERVAL_SECONDS, 60 s here) holds across containers through the lookup item.
    const recordedElsewhere = async (value: string, at: number) => {
      const tokenHash = hashPatValue(value);
      await touchPat((await lookupPat(tokenHash))!, tokenHash, { at, clientId: 'another-container', sourceIp: null });
    };
    const exchangeWrites = async (value: string) => {
      awsCalls.calls.length = 0;
      const response = await tokenRequest(
        exchangeForm({ subject_token: value }),
        basic(demo().clientId, demo().clientSecret),
      );
      expect(response.status).toBe(200);
      return awsCalls.calls.filter((call) => call.label.startsWith('DynamoDB TransactWriteItems')).length;
    };
    const lastUsedAt = async (name: string) =>
      (await service.client.pats.list(userId)).find((listed) => listed.name === name)!.lastUsedAt;

    const recent = await service.client.pats.create(userId, { name: 'used-elsewhere' });
    const tenSecondsAgo = Date.now() - 10_000;
    await recordedElsewhere(recent.value, tenSecondsAgo);
    expect(await exchangeWrites(recent.value)).toBe(0);
    expect(await lastUsedAt('used-elsewhere')).toBe(tenSecondsAgo);

    const stale = await service.client.pats.create(userId, { name: 'used-elsewhere-long-ago' });
    await recordedElsewhere(stale.value, Date.now() - 61_000);
    const before = Date.now();
    expect(await exchangeWrites(stale.value)).toBe(1);
    expect(await lastUsedAt('used-elsewhere-long-ago')).toBeGreaterThanOrEqual(before);
  });

  it('makes three AWS calls in two sequential round trips once warm, without a resource: no batch for one item', async () => {
    const exchange = () => tokenRequest(exchangeForm(), basic(demo().clientId, demo().clientSecret));
    expect((await exchange()).status).toBe(200); // warms the caches; last-used is written at most once a minute
    awsCalls.calls.length = 0;
    expect((await exchange()).status).toBe(200);
    const calls = [...awsCalls.calls];
    // The PAT lookup; then the owner's user item beside Sign.
    expect(calls.map((call) => call.label).sort()).toEqual(
      ['DynamoDB GetItem PATHASH', 'DynamoDB GetItem USER', 'KMS Sign'].sort(),
    );
    expect(sequentialRoundTrips(calls)).toBe(2);
  });

  it('publishes discovery documents that point at the token endpoint and JWKS', async () => {
    for (const path of ['/oidc/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const response = await sendRequest('GET', `${service.config.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        issuer: service.config.issuer,
        token_endpoint: `${service.config.issuer}/token`,
        jwks_uri: `${service.config.issuer}/jwks`,
        grant_types_supported: [GRANT],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
    }
  });
});

/** Logto's RBAC: the user gets a resource's scopes through a role (test/roles.test.ts covers the rest). */
async function grantAllScopes(resourceId: string, user: string) {
  const scopes = await service.client.resources.scopes.list(resourceId);
  const role = await service.client.roles.create({
    name: `all-${resourceId}`,
    description: 'every scope of the resource',
    scopeIds: scopes.map((scope) => scope.id),
  });
  await service.client.roles.assign(user, [role.id]);
}

describe('API resources', () => {
  let indicator: string;
  beforeAll(async () => {
    indicator = `https://api.example.com/${service.newUserId()}`;
    const resource = await service.client.resources.create({
      name: 'Example API',
      indicator,
      accessTokenTtl: 600,
      scopes: ['read:items', 'write:items'],
    });
    await grantAllScopes(resource.id, userId);
  });

  it("sets aud and the resource TTL, and grants only the resource scopes the user's roles give", async () => {
    const response = await tokenRequest(
      exchangeForm({ resource: indicator, scope: 'read:items openid unknown' }),
      basic(demo().clientId, demo().clientSecret),
    );
    expect(response.status).toBe(200);
    const body = response.json as { access_token: string; expires_in: number; scope: string };
    expect(body.expires_in).toBe(600);
    expect(body.scope).toBe('read:items');
    const { payload } = await service.verify(body.access_token, indicator);
    expect(payload.aud).toBe(indicator);
    expect(payload.scope).toBe('read:items');
  });

  it('grants no scope when none is requested (as Logto), and never more than the PAT allows', async () => {
    const limited = await service.client.pats.create(userId, { name: 'read-only', scopes: ['read:items'] });
    const exchange = (scope?: string) =>
      tokenRequest(
        exchangeForm({ subject_token: limited.value, resource: indicator, ...(scope ? { scope } : {}) }),
        basic(demo().clientId, demo().clientSecret),
      );
    const none = await exchange();
    expect(none.status).toBe(200);
    expect((none.json as { scope: string }).scope).toBe('');
    const { payload } = await service.verify((none.json as { access_token: string }).access_token, indicator);
    expect(payload.scope).toBe('');
    const both = await exchange('read:items write:items');
    expect((both.json as { scope: string }).scope).toBe('read:items');
  });

  it('lets no request make a resource look missing once it is registered (no cached miss)', async () => {
    const later = `https://api.example.com/${service.newUserId()}`;
    // An unauthenticated caller asks for a resource that doesn't exist yet, and so does a legitimate client.
    const probe = await tokenRequest(exchangeForm({ resource: later, client_id: 'unknown-client' }));
    expect(probe.status).toBe(401);
    const early = await tokenRequest(exchangeForm({ resource: later }), basic(demo().clientId, demo().clientSecret));
    expect(early.json).toMatchObject({ error: 'invalid_target' });
    const resource = await service.client.resources.create({ name: 'later', indicator: later, scopes: ['read:later'] });
    await grantAllScopes(resource.id, userId);
    // Well inside CLIENT_CACHE_TTL_SECONDS: the resource works at once.
    const response = await tokenRequest(
      exchangeForm({ resource: later, scope: 'read:later' }),
      basic(demo().clientId, demo().clientSecret),
    );
    expect(response.status).toBe(200);
    expect((response.json as { scope: string }).scope).toBe('read:later');
  });

  it('reads a client and a resource the container does not know yet with the PAT lookup, in one request', async () => {
    // A confidential client and a resource no exchange has named yet: nothing about them is cached.
    const app = await service.client.applications.create({
      name: 'cold',
      type: 'Traditional',
      allowTokenExchange: true,
    });
    const cold = `https://api.example.com/${service.newUserId()}`;
    const resource = await service.client.resources.create({ name: 'cold', indicator: cold, scopes: ['read:cold'] });
    await grantAllScopes(resource.id, userId);
    const exchange = () =>
      tokenRequest(exchangeForm({ resource: cold, scope: 'read:cold' }), basic(app.id, app.secret!));
    const labels = (calls: readonly { label: string }[]) => calls.map((call) => call.label).sort();

    awsCalls.calls.length = 0;
    const first = await exchange();
    expect(first.status).toBe(200);
    expect((first.json as { scope: string }).scope).toBe('read:cold');
    const coldCalls = [...awsCalls.calls];
    expect(labels(coldCalls)).toContain('DynamoDB BatchGetItem PATHASH APP RESIND');
    expect(labels(coldCalls).filter((label) => /GetItem (APP|RESIND)$/.test(label))).toEqual([]);

    awsCalls.calls.length = 0;
    expect((await exchange()).status).toBe(200);
    const warmCalls = [...awsCalls.calls];
    expect(labels(warmCalls)).toEqual(
      ['DynamoDB GetItem PATHASH', 'DynamoDB BatchGetItem USER USERROLES', 'KMS Sign'].sort(),
    );
    expect(sequentialRoundTrips(warmCalls)).toBe(2);

    // A wrong secret for a client read this way is refused like any other (the batch read caches the application).
    const wrong = await tokenRequest(exchangeForm({ resource: cold }), basic(app.id, 'not-the-secret'));
    expect(wrong.status).toBe(401);
  });

  it('rejects an unregistered or malformed resource with invalid_target', async () => {
    for (const resource of ['https://unknown.example.com', 'not a uri', 'https://api.example.com/#frag']) {
      const response = await tokenRequest(exchangeForm({ resource }), basic(demo().clientId, demo().clientSecret));
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_target' });
    }
  });
});

describe('PAT validity', () => {
  const expectInvalidSubject = async (subject_token: string, description = 'The subject_token is invalid.') => {
    const response = await tokenRequest(exchangeForm({ subject_token }), basic(demo().clientId, demo().clientSecret));
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'invalid_request',
      error_description: description,
      code: 'oidc.invalid_request',
      message: description,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  };

  it('rejects malformed values, bad checksums and unknown PATs alike', async () => {
    await expectInvalidSubject('not-a-pat');
    const flipped = pat.slice(0, 10) + (pat[10] === 'a' ? 'b' : 'a') + pat.slice(11);
    await expectInvalidSubject(flipped);
    // A well-formed PAT that was never issued.
    const other = await service.client.pats.create(await service.newUser(), { name: 'gone' });
    await service.client.pats.revokeAll(other.userId);
    await expectInvalidSubject(other.value);
  });

  it('says "expired" for an expired PAT and caps exp at the PAT expiry', async () => {
    const expiresAt = Date.now() + 3000;
    const short = await service.client.pats.create(userId, { name: 'short', expiresAt });
    const response = await tokenRequest(
      exchangeForm({ subject_token: short.value }),
      basic(demo().clientId, demo().clientSecret),
    );
    expect(response.status).toBe(200);
    const { payload } = await service.verify((response.json as { access_token: string }).access_token);
    expect(payload.exp).toBeLessThanOrEqual(Math.floor(expiresAt / 1000));

    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    await expectInvalidSubject(short.value, 'The personal access token has expired.');
  });

  it('stops a suspended user until unsuspended', async () => {
    const suspendedUser = await service.newUser();
    const token = (await service.client.pats.create(suspendedUser, { name: 'x' })).value;
    await service.client.users.setSuspended(suspendedUser, true);
    await expectInvalidSubject(token);
    // A PAT created while suspended is refused too: suspension is the user's, read at every exchange.
    const later = (await service.client.pats.create(suspendedUser, { name: 'y' })).value;
    await expectInvalidSubject(later);
    await service.client.users.setSuspended(suspendedUser, false);
    for (const value of [token, later]) {
      const response = await tokenRequest(
        exchangeForm({ subject_token: value }),
        basic(demo().clientId, demo().clientSecret),
      );
      expect(response.status).toBe(200);
    }
  });

  it('stops a deleted PAT at once', async () => {
    const doomed = await service.client.pats.create(userId, { name: 'doomed' });
    await service.client.pats.delete(userId, 'doomed');
    await expectInvalidSubject(doomed.value);
  });
});

describe('client authentication', () => {
  it('rejects an unknown client or a wrong secret with 401 invalid_client and WWW-Authenticate for Basic', async () => {
    for (const headers of [basic('unknown-client', 'x'), basic(demo().clientId, 'wrong-secret')]) {
      const response = await tokenRequest(exchangeForm(), headers);
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: 'invalid_client' });
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    const posted = await tokenRequest(exchangeForm({ client_id: demo().clientId, client_secret: 'nope' }));
    expect(posted.status).toBe(401);
    expect(posted.headers.get('www-authenticate')).toBeNull();
  });

  it('requires the secret of a confidential client', async () => {
    const response = await tokenRequest(exchangeForm({ client_id: demo().clientId }));
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_client' });
  });

  it('lets a public client authenticate with client_id alone', async () => {
    const spa = await service.client.applications.create({ name: 'cli', type: 'Native', allowTokenExchange: true });
    expect(spa.secret).toBeUndefined();
    const response = await tokenRequest(exchangeForm({ client_id: spa.id }));
    expect(response.status).toBe(200);
    const { payload } = await service.verify((response.json as { access_token: string }).access_token);
    expect(payload.client_id).toBe(spa.id);
  });

  it('answers unauthorized_client for an application without allowTokenExchange', async () => {
    const app = await service.client.applications.create({ name: 'web', type: 'Traditional' });
    const response = await tokenRequest(exchangeForm(), basic(app.id, app.secret!));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'unauthorized_client' });
  });

  it('rejects two authentication methods at once', async () => {
    const response = await tokenRequest(
      exchangeForm({ client_secret: demo().clientSecret }),
      basic(demo().clientId, demo().clientSecret),
    );
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_request' });
  });
});

describe('request validation', () => {
  const auth = () => basic(demo().clientId, demo().clientSecret);

  it.each([
    ['missing grant_type', { subject_token: 'x' }, 'invalid_request'],
    ['other grant types', { grant_type: 'client_credentials' }, 'unsupported_grant_type'],
    ['missing subject_token', { grant_type: GRANT, subject_token_type: PAT_TYPE }, 'invalid_request'],
    ['missing subject_token_type', { grant_type: GRANT, subject_token: 'pat_x' }, 'invalid_request'],
    [
      'a wrong subject_token_type',
      { grant_type: GRANT, subject_token: 'pat_x', subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' },
      'invalid_request',
    ],
    [
      'a malformed scope',
      { grant_type: GRANT, subject_token: 'pat_x', subject_token_type: PAT_TYPE, scope: 'a"b' },
      'invalid_scope',
    ],
  ])('rejects %s', async (_label, form, error) => {
    const response = await tokenRequest(form as Record<string, string>, auth());
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error });
  });

  it('rejects repeated parameters, bad percent-encoding and other content types', async () => {
    const base = new URLSearchParams(exchangeForm()).toString();
    for (const body of [`${base}&subject_token=again`, `${base}&scope=%zz`]) {
      const response = await tokenRequest(body, auth());
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_request' });
    }
    const json = await sendRequest('POST', `${service.config.baseUrl}/oidc/token`, {
      body: JSON.stringify(exchangeForm()),
      headers: { 'content-type': 'application/json', ...auth() },
    });
    expect(json.status).toBe(400);
    expect(json.json).toMatchObject({ error: 'invalid_request' });
  });

  it('signs with the key the JWKS publishes under the token kid', async () => {
    const response = await tokenRequest(exchangeForm(), auth());
    const { kid } = decodeProtectedHeader((response.json as { access_token: string }).access_token);
    const jwks = await sendRequest('GET', `${service.config.issuer}/jwks`);
    expect((jwks.json as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toContain(kid);
  });
});
