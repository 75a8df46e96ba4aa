/** The token endpoint's pure steps: request parsing, PAT rules, scope granting and claims. */
import { buildClaims } from '../../lambdas/token/claims';
import { grantScopes } from '../../lambdas/token/scopes';
import { parseTokenRequest, type TokenHttpRequest } from '../../lambdas/token/token-request';
import { clampExpiry, credentialRefusal, ownerRefusal, type PatCredential } from '../../lambdas/shared/model/pat';
import type { ApiResource } from '../../lambdas/shared/model/resource';
import { OAuthError } from '../../lambdas/shared/errors';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const PAT_TYPE = 'urn:logto:token-type:personal_access_token';

const credential: PatCredential = {
  id: 'p1',
  userId: 'alice',
  name: 'ci',
  expiresAt: null,
  scopes: null,
  patEpoch: 'e1',
  issuedAt: null,
  lastUsedAt: null,
};
const resource: ApiResource = {
  id: 'r1',
  name: 'API',
  indicator: 'https://api.example.com',
  accessTokenTtl: 600,
  scopes: [
    { id: 's1', name: 'read', description: null, createdAt: 0 },
    { id: 's2', name: 'write', description: null, createdAt: 0 },
  ],
  createdAt: 0,
};
/** What the user's roles grant on the resource. */
const roleScopes = ['read', 'write'];

function http(form: Record<string, string>, extra: Partial<TokenHttpRequest> = {}): TokenHttpRequest {
  const body = new URLSearchParams(form).toString();
  return {
    contentType: 'application/x-www-form-urlencoded',
    authorization: [],
    body,
    bodyBytes: Buffer.byteLength(body),
    ...extra,
  };
}

const valid = { grant_type: GRANT, client_id: 'app1', subject_token: 'pat_x', subject_token_type: PAT_TYPE };

function thrown(call: () => unknown): OAuthError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return error as OAuthError;
  }
  throw new Error('expected an OAuthError');
}

describe('parseTokenRequest', () => {
  it('produces a typed request with deduplicated scopes and the resource', () => {
    const request = parseTokenRequest(http({ ...valid, scope: 'read read write', resource: resource.indicator }));
    expect(request).toEqual({
      client: { clientId: 'app1', method: 'none' },
      subjectToken: 'pat_x',
      resource: resource.indicator,
      scopes: ['read', 'write'],
      parameterError: undefined,
    });
  });

  it('holds grant parameter problems for after client authentication, in their documented order', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ subject_token: '' }, 'invalid_request', /Missing subject_token/],
      [{ subject_token_type: 'urn:x' }, 'invalid_request', /Unsupported subject_token_type/],
      [{ actor_token: 'a' }, 'invalid_request', /Actor tokens/],
      [{ requested_token_type: 'urn:x' }, 'invalid_request', /requested_token_type/],
      [{ scope: 'a"b' }, 'invalid_scope', /invalid characters/],
      [{ resource: 'not a uri' }, 'invalid_target', /absolute URI/],
      [{ resource: 'https://a.example/#f' }, 'invalid_target', /fragment/],
      [{ resource: `https://a.example/${'x'.repeat(1000)}` }, 'invalid_target', /too long/],
    ];
    for (const [override, error, description] of cases) {
      const request = parseTokenRequest(http({ ...valid, ...override }));
      expect(request.parameterError?.error).toBe(error);
      expect(request.parameterError?.description).toMatch(description);
      expect(request.resource).toBeUndefined();
    }
    // Two problems: the first in order is the one reported.
    const both = parseTokenRequest(http({ ...valid, subject_token_type: 'urn:x', scope: 'a"b' }));
    expect(both.parameterError?.description).toMatch(/subject_token_type/);
  });

  it('throws at once what comes before client authentication: the envelope, the grant type, the client id', () => {
    expect(thrown(() => parseTokenRequest(http(valid, { contentType: 'application/json' }))).error).toBe(
      'invalid_request',
    );
    expect(thrown(() => parseTokenRequest(http(valid, { bodyBytes: 16 * 1024 + 1 }))).description).toMatch(/exceeds/);
    expect(thrown(() => parseTokenRequest(http({ ...valid, grant_type: 'password' }))).error).toBe(
      'unsupported_grant_type',
    );
    expect(thrown(() => parseTokenRequest(http({ ...valid, client_id: 'a b' }))).error).toBe('invalid_client');
    const basic = `Basic ${Buffer.from('app1:secret').toString('base64')}`;
    const viaBasic = parseTokenRequest(http({ ...valid, client_id: 'app1' }, { authorization: [basic] }));
    expect(viaBasic.client).toEqual({ clientId: 'app1', clientSecret: 'secret', method: 'client_secret_basic' });
    const bearer = thrown(() => parseTokenRequest(http(valid, { authorization: ['Bearer x'] })));
    expect([bearer.error, bearer.headers['WWW-Authenticate']]).toEqual(['invalid_client', 'Basic realm="patgate"']);
  });

  it('decodes the form and Basic credentials strictly, encoded or not, and reads the media type with or without parameters', () => {
    const raw = (body: string, extra: Partial<TokenHttpRequest> = {}) =>
      parseTokenRequest({ ...http({}), body, bodyBytes: Buffer.byteLength(body), ...extra });
    const form = `grant_type=${encodeURIComponent(GRANT)}&client_id=app1&subject_token=pat_x&subject_token_type=${PAT_TYPE}`;
    expect(raw(`${form}&scope=read+write%20admin`).scopes).toEqual(['read', 'write', 'admin']);
    expect(raw(form).scopes).toBeUndefined();
    expect(thrown(() => raw(`${form}&scope=%E0%A4%A`)).description).toMatch(
      /not valid application\/x-www-form-urlencoded/,
    );
    expect(thrown(() => raw(`${form}&client_id=app1`)).description).toMatch(/must not be repeated/);
    for (const contentType of [
      'Application/X-WWW-Form-Urlencoded',
      'application/x-www-form-urlencoded ; charset="UTF-8"',
    ]) {
      expect(raw(form, { contentType }).subjectToken).toBe('pat_x');
    }
    expect(
      thrown(() => raw(form, { contentType: 'application/x-www-form-urlencoded; charset=latin1' })).description,
    ).toMatch(/UTF-8/);
    // RFC 6749 §2.3.1: each part of the Basic credentials is form-encoded before they are joined.
    const basic = `Basic ${Buffer.from('app1:s%3Ac+r%25t').toString('base64')}`;
    const client = raw(form.replace('&client_id=app1', ''), { authorization: [basic] }).client;
    expect(client).toEqual({ clientId: 'app1', clientSecret: 's:c r%t', method: 'client_secret_basic' });
    const notUtf8 = `Basic ${Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(':s')]).toString('base64')}`;
    expect(thrown(() => raw(form.replace('&client_id=app1', ''), { authorization: [notUtf8] })).error).toBe(
      'invalid_client',
    );
  });
});

describe('PAT rules', () => {
  it('refuses a missing PAT as unusable and an expired one as expired', () => {
    expect(credentialRefusal(undefined, 1000)).toBe('unusable');
    expect(credentialRefusal({ ...credential, expiresAt: 1000 }, 1000)).toBe('expired');
    expect(credentialRefusal({ ...credential, expiresAt: 1001 }, 1000)).toBeUndefined();
    expect(credentialRefusal(credential, 1000)).toBeUndefined();
  });

  it('refuses an owner that is gone, suspended, or in another PAT epoch', () => {
    expect(ownerRefusal(credential, undefined)).toBe('unusable');
    expect(ownerRefusal(credential, { patEpoch: 'e1', isSuspended: true })).toBe('unusable');
    expect(ownerRefusal(credential, { patEpoch: 'e2', isSuspended: false })).toBe('unusable');
    expect(ownerRefusal(credential, { patEpoch: 'e1', isSuspended: false })).toBeUndefined();
  });

  it('never lets a token outlive its PAT', () => {
    expect(clampExpiry(100, 3600, null)).toBe(3700);
    expect(clampExpiry(100, 3600, 200_999)).toBe(200);
    expect(clampExpiry(100, 60, 900_000)).toBe(160);
  });
});

describe('grantScopes', () => {
  it('grants nothing when nothing is requested (Logto)', () => {
    expect(grantScopes(undefined, null, null)).toEqual([]);
    expect(grantScopes(undefined, roleScopes, null)).toEqual([]);
  });

  it("grants requested ∩ the available scopes (OIDC's, or the user's roles' on the resource) ∩ the PAT's limit", () => {
    expect(grantScopes(['openid', 'read', 'email'], null, null)).toEqual(['openid', 'email']);
    expect(grantScopes(['openid', 'read', 'write', 'admin'], roleScopes, null)).toEqual(['read', 'write']);
    expect(grantScopes(['read', 'write'], roleScopes, ['read'])).toEqual(['read']);
    expect(grantScopes(['openid'], null, ['read'])).toEqual([]);
  });
});

describe('buildClaims', () => {
  const inputs = {
    jti: 'j1',
    issuer: 'https://issuer.example/oidc',
    now: 1_700_000_000_500,
    defaultLifetimeSeconds: 3600,
    credential,
    clientId: 'app1',
    audience: null,
    scopes: [] as string[],
  };

  it('builds RFC 9068 claims with an always-present scope and the PAT they came from', () => {
    expect(buildClaims(inputs)).toEqual({
      jti: 'j1',
      pat_id: 'p1',
      sub: 'alice',
      iss: 'https://issuer.example/oidc',
      iat: 1_700_000_000,
      exp: 1_700_003_600,
      client_id: 'app1',
      scope: '',
    });
  });

  it("takes the audience's indicator and lifetime, and the PAT's expiry when sooner", () => {
    const claims = buildClaims({ ...inputs, audience: resource, scopes: ['read'] });
    expect(claims).toMatchObject({ aud: resource.indicator, exp: 1_700_000_600, scope: 'read' });
    const expiring = buildClaims({ ...inputs, credential: { ...credential, expiresAt: 1_700_000_100_000 } });
    expect(expiring?.exp).toBe(1_700_000_100);
  });

  it('issues nothing for a PAT expiring within the current second', () => {
    expect(buildClaims({ ...inputs, credential: { ...credential, expiresAt: 1_700_000_000_900 } })).toBeUndefined();
  });
});
