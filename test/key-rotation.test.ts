import { KMSClient } from '@aws-sdk/client-kms';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { sendRequest } from '../client/signed-fetch';
import { promoteNextKey, retirePreviousKey, stageNextKey } from '../local/key-rotation';
import { startTestService, type TestService } from './harness/service';

// The alias names are shared by every local service on the engines; this file runs alone on its own KMS.
import { startKmsEmulator, type KmsEmulator } from '../local/kms/server';
import { harnessKeyring } from './harness/credentials';

let kmsEmulator: KmsEmulator;
let service: TestService;
let pat: string;
const savedKmsUrl = process.env.AWS_ENDPOINT_URL_KMS;

beforeAll(async () => {
  kmsEmulator = await startKmsEmulator({ credentials: harnessKeyring });
  process.env.AWS_ENDPOINT_URL_KMS = kmsEmulator.url;
  service = await startTestService({ handlerEnv: { KEY_CACHE_TTL_SECONDS: '0.05' } });
  pat = (await service.client.pats.create((await service.newUser()), { name: 'rotation' })).value;
});
afterAll(async () => {
  await service.close();
  await kmsEmulator.close();
  process.env.AWS_ENDPOINT_URL_KMS = savedKmsUrl;
});

const kms = () => new KMSClient({});

async function issue(): Promise<string> {
  const { clientId, clientSecret } = service.config.demoApplication;
  const response = await service.client.exchange({ pat, clientId, clientSecret });
  expect(response.status).toBe(200);
  return (response.json as { access_token: string }).access_token;
}

async function publishedKids(): Promise<string[]> {
  const response = await sendRequest('GET', `${service.config.issuer}/jwks`);
  return (response.json as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

/** Caches are stale-while-revalidate: poll until the change shows (bounded). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  throw new Error('condition not reached after 50 attempts');
}

/** A resource server that fetches the JWKS afresh, as one would after the rotation. */
const verifyFresh = (token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL(`${service.config.issuer}/jwks`)), { issuer: service.config.issuer });

it('rotates by alias swap: old tokens keep verifying, new tokens carry the new kid, retire unpublishes', async () => {
  const before = await issue();
  const oldKid = decodeProtectedHeader(before).kid!;
  expect(decodeProtectedHeader(before).alg).toBe('ES256');

  // Stage an RSA key as "next": published, not yet used (and proves RS256 support end to end).
  await stageNextKey(kms(), 'RSA_2048');
  const staged = await eventually(publishedKids, (kids) => kids.length === 2);
  expect(staged).toContain(oldKid);
  expect(decodeProtectedHeader(await issue()).kid).toBe(oldKid);

  await promoteNextKey(kms());
  const after = await eventually(issue, (token) => decodeProtectedHeader(token).kid !== oldKid);
  const newHeader = decodeProtectedHeader(after);
  expect(newHeader.alg).toBe('RS256');
  expect(staged).toContain(newHeader.kid);

  await expect(verifyFresh(before)).resolves.toMatchObject({ protectedHeader: { kid: oldKid } });
  await expect(verifyFresh(after)).resolves.toMatchObject({ protectedHeader: { kid: newHeader.kid } });

  await retirePreviousKey(kms());
  await eventually(publishedKids, (kids) => kids.length === 1 && kids[0] === newHeader.kid);
  await expect(verifyFresh(before)).rejects.toThrow(/no applicable key/);
  await expect(verifyFresh(after)).resolves.toBeDefined();
});
