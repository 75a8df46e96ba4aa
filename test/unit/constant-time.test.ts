/**
 * Secrets are compared in constant time. Timing can't be measured reliably in a test, so this checks who
 * decides instead: with node:crypto's timingSafeEqual wrapped, forcing its answer must force the outcome of
 * constantTimeEqual and of the local gateway's SigV4 check (no other comparison of the secret gates it),
 * and it must be handed equal-length digests, never the secrets. test/secrets-constant-time.test.ts does the
 * same for client secrets at the token endpoint.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import type * as secretsModule from '../../lambdas/shared/crypto/secrets';
import type * as sigv4Module from '../../local/gateway/sigv4';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

// Loaded after jest.mock (the esbuild transform does not hoist it), so that they see the wrapped function.
let crypto: { timingSafeEqual: jest.Mock<boolean, [Uint8Array, Uint8Array]> };
let secrets: typeof secretsModule;
let sigv4: typeof sigv4Module;
beforeAll(async () => {
  crypto = (await import('node:crypto')) as unknown as typeof crypto;
  secrets = await import('../../lambdas/shared/crypto/secrets');
  sigv4 = await import('../../local/gateway/sigv4');
});
const realTimingSafeEqual = jest.requireActual<typeof import('node:crypto')>('node:crypto').timingSafeEqual;
afterEach(() => crypto.timingSafeEqual.mockReset().mockImplementation(realTimingSafeEqual));

describe('constantTimeEqual', () => {
  it('over SHA-256 digests is exactly equality of the secrets', () => {
    const { constantTimeEqual, sha256Hex } = secrets;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.boolean(), (a, b, same) => {
        const other = same ? a : b;
        return constantTimeEqual(sha256Hex(a), sha256Hex(other)) === (a === other);
      }),
      { seed: 6_2029, numRuns: 200 },
    );
  });

  it('leaves the decision to timingSafeEqual', () => {
    const { constantTimeEqual, sha256Hex } = secrets;
    const [a, b] = [sha256Hex('right'), sha256Hex('wrong')];
    crypto.timingSafeEqual.mockReturnValueOnce(true);
    expect(constantTimeEqual(a, b)).toBe(true);
    crypto.timingSafeEqual.mockReturnValueOnce(false);
    expect(constantTimeEqual(a, a)).toBe(false);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(2);
  });
});

describe('SigV4 at the local gateway', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const now = new Date('2026-03-01T12:00:00Z');
  const options = () => ({
    region: 'us-east-1',
    service: 'execute-api',
    credentials: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
    now,
  });

  async function signed(secretAccessKey = credentials.secretAccessKey): Promise<sigv4Module.SigV4Request> {
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'us-east-1',
      credentials: { ...credentials, secretAccessKey },
      sha256: Hash.bind(null, 'sha256'),
    });
    const request = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'abc123.execute-api.us-east-1.amazonaws.com',
        path: '/api/applications',
        query: {},
        headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com' },
      },
      { signingDate: now },
    );
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, v]) => [name.toLowerCase(), v]));
    return { method: 'GET', rawPath: '/api/applications', rawQuery: '', headers, body: Buffer.alloc(0) };
  }

  it('compares the computed and presented signatures, as 32-byte HMACs, with timingSafeEqual', async () => {
    expect(sigv4.verifySigV4(await signed(), options())).toMatchObject({ ok: true });
    expect(crypto.timingSafeEqual).toHaveBeenCalled();
    for (const [computed, presented] of crypto.timingSafeEqual.mock.calls) {
      expect([computed.length, presented.length]).toEqual([32, 32]);
    }
  });

  it('rejects a request signed with another secret', async () => {
    expect(sigv4.verifySigV4(await signed('not-the-secret'), options())).toMatchObject({ ok: false });
  });

  it('accepts or rejects exactly as timingSafeEqual says', async () => {
    crypto.timingSafeEqual.mockReturnValue(true);
    expect(sigv4.verifySigV4(await signed('not-the-secret'), options())).toMatchObject({ ok: true });
    crypto.timingSafeEqual.mockReturnValue(false);
    expect(sigv4.verifySigV4(await signed(), options())).toMatchObject({ ok: false });
  });
});
