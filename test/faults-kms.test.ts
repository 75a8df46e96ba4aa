/**
 * KMS failing under the token endpoint: errors injected through the KMS emulator's beforeOperation hook,
 * a really disabled key, and slow answers (a delaying proxy in front of the emulator). Retryable faults
 * (throttling, KMS 5xx, timeouts) answer 503 + Retry-After once the SDK's 3 attempts are spent; faults
 * retrying can't fix (disabled key, invalid key state) answer 500 server_error. Never a token; and
 * the service recovers by itself when the fault clears. This file runs its own KMS emulator.
 */
import { DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { startKmsEmulator, type KmsEmulator } from '../local/kms/server';
import type { KmsErrorLike } from '../local/kms/errors';
import { SIGNING_KEY_ALIAS } from '../local/service';
import { harnessKeyring } from './harness/credentials';
import { startTestService, type TestService } from './harness/service';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { expectOAuthServerError } from './support/protocol-errors';
import { sendRequest } from '../client/signed-fetch';

const SDK_MAX_ATTEMPTS = 3;
const sharedKmsUrl = process.env.AWS_ENDPOINT_URL_KMS;

let emulator: KmsEmulator;
let proxy: FaultProxy;
let service: TestService;
let pat: string;

/** Faults the emulator answers with, per operation, each for a number of calls. */
const pending: { operation: string; error: KmsErrorLike; times: number }[] = [];
let injected = 0;
function failNext(operation: string, type: string, times: number, statusCode = 400): void {
  pending.push({ operation, error: { type, message: `Injected ${type}`, statusCode }, times });
}

beforeAll(async () => {
  emulator = await startKmsEmulator({
    credentials: harnessKeyring,
    beforeOperation: (operation) => {
      const fault = pending.find((candidate) => candidate.operation === operation && candidate.times > 0);
      if (!fault) return undefined;
      fault.times--;
      injected++;
      return fault.error;
    },
  });
  proxy = await startFaultProxy({ target: emulator.url, targetPrefix: 'TrentService.' });
  process.env.AWS_ENDPOINT_URL_KMS = proxy.url;
  service = await startTestService();
  pat = (await service.client.pats.create((await service.newUser()), { name: 'kms-faults' })).value;
});
afterEach(() => {
  pending.length = 0;
  proxy.clear();
});
afterAll(async () => {
  await service?.close();
  await proxy?.close();
  await emulator?.close();
  process.env.AWS_ENDPOINT_URL_KMS = sharedKmsUrl;
});

const exchange = () => {
  const { clientId, clientSecret } = service.config.demoApplication;
  return service.client.exchange({ pat, clientId, clientSecret });
};

it('answers 503 on a cold start while GetPublicKey is throttled, and serves once it is not', async () => {
  // No exchange has run yet: the token handler resolves its signing key on first use.
  failNext('GetPublicKey', 'ThrottlingException', 100);
  expectOAuthServerError(await exchange(), 'retryable');
  const jwks = await sendRequest('GET', `${service.config.issuer}/jwks`);
  expectOAuthServerError(jwks, 'retryable');

  pending.length = 0;
  expect((await exchange()).status).toBe(200);
  expect((await sendRequest('GET', `${service.config.issuer}/jwks`)).status).toBe(200);
});

it.each([
  ['ThrottlingException', 400],
  ['KMSInternalException', 500],
  ['DependencyTimeoutException', 503],
  ['KeyUnavailableException', 500],
])('absorbs %s on fewer than 3 Sign attempts, answers 503 on 3, then recovers', async (type, status) => {
  failNext('Sign', type, SDK_MAX_ATTEMPTS - 1, status);
  expect((await exchange()).status).toBe(200);

  failNext('Sign', type, SDK_MAX_ATTEMPTS, status);
  const before = injected;
  expectOAuthServerError(await exchange(), 'retryable');
  expect(injected - before).toBe(SDK_MAX_ATTEMPTS);
  expect((await exchange()).status).toBe(200);
});

it.each(['DisabledException', 'KMSInvalidStateException', 'NotFoundException', 'AccessDeniedException'])(
  'answers 500 server_error to %s from Sign, without retrying, then recovers',
  async (type) => {
    failNext('Sign', type, 1);
    const before = injected;
    expectOAuthServerError(await exchange(), 'permanent');
    expect(injected - before).toBe(1);
    expect((await exchange()).status).toBe(200);
  },
);

it('answers 500 server_error while the signing key is really disabled, and 200 once it is enabled', async () => {
  const kms = new KMSClient({ endpoint: emulator.url });
  const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: SIGNING_KEY_ALIAS }));
  await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata!.KeyId }));
  try {
    expectOAuthServerError(await exchange(), 'permanent');
    expectOAuthServerError(await exchange(), 'permanent');
  } finally {
    await kms.send(new EnableKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    kms.destroy();
  }
  expect((await exchange()).status).toBe(200);
});

it('answers 503 within the SDK time budget when Sign hangs, and 200 when it answers in time again', async () => {
  // Each attempt is cut at the 1 s request timeout: 3 attempts and backoff stay far below the 2.5 s delay × 3.
  proxy.inject({ operations: ['Sign'], fault: { kind: 'delay', ms: 2500 }, times: SDK_MAX_ATTEMPTS });
  const startedAt = Date.now();
  expectOAuthServerError(await exchange(), 'retryable');
  expect(Date.now() - startedAt).toBeLessThan(6000);

  proxy.inject({ operations: ['Sign'], fault: { kind: 'delay', ms: 2500 }, times: 1 });
  expect((await exchange()).status).toBe(200);
  expect((await exchange()).status).toBe(200);
}, 30_000);
