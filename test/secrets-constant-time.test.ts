/**
 * Client secrets are compared in constant time. Timing can't be measured reliably in a test, so this checks
 * who decides instead: at the token endpoint, over HTTP, the answer on a client secret is that of
 * constantTimeEqual (timingSafeEqual over equal-length strings, see test/unit/constant-time.test.ts), asked
 * about the SHA-256 of what the client sent and the stored hash; forcing its answer forces the outcome, so no
 * other comparison of the secret gates it. PAT values are never compared: they are looked up by their SHA-256.
 */
import { createHash } from 'node:crypto';
import type { TestService } from './harness/service';

jest.mock('../lambdas/shared/crypto/secrets', () => {
  const actual = jest.requireActual<typeof import('../lambdas/shared/crypto/secrets')>(
    '../lambdas/shared/crypto/secrets',
  );
  return { ...actual, constantTimeEqual: jest.fn(actual.constantTimeEqual) };
});

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const PAT_TYPE = 'urn:logto:token-type:personal_access_token';
const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

let service: TestService;
let pat: string;
let constantTimeEqual: jest.Mock<boolean, [string, string]>;

beforeAll(async () => {
  // Loaded after jest.mock (the esbuild transform does not hoist it): the handlers the local service runs in
  // this process then import the wrapped helper.
  ({ constantTimeEqual } = (await import('../lambdas/shared/crypto/secrets')) as unknown as {
    constantTimeEqual: typeof constantTimeEqual;
  });
  const { startTestService } = await import('./harness/service');
  service = await startTestService();
  pat = (await service.client.pats.create(await service.newUser(), { name: 'ci' })).value;
});
afterAll(() => service.close());
afterEach(() => constantTimeEqual.mockClear());

async function exchange(clientSecret: string): Promise<number> {
  const { clientId } = service.config.demoApplication;
  const response = await fetch(`${service.config.baseUrl}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: GRANT, subject_token: pat, subject_token_type: PAT_TYPE }).toString(),
  });
  return response.status;
}

it('decides with constantTimeEqual over the SHA-256 of the sent secret and the stored hash', async () => {
  const right = service.config.demoApplication.clientSecret;
  const wrong = ['x', right.slice(0, -1), `${right}x`, 'é'.repeat(500)];
  expect(await exchange(right)).toBe(200);
  for (const secret of wrong) expect(await exchange(secret)).toBe(401);

  expect(constantTimeEqual.mock.calls).toEqual(
    [right, ...wrong].map((secret) => [sha256Hex(secret), sha256Hex(right)]),
  );
});

it('follows constantTimeEqual: forcing its answer forces the outcome', async () => {
  const right = service.config.demoApplication.clientSecret;
  constantTimeEqual.mockReturnValueOnce(false);
  expect(await exchange(right)).toBe(401);
  constantTimeEqual.mockReturnValueOnce(true);
  expect(await exchange('not-the-secret')).toBe(200);
  expect(constantTimeEqual).toHaveBeenCalledTimes(2);
});
