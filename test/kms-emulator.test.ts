import { constants, createPublicKey, verify, createHash, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisabledException,
  EnableKeyCommand,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSClient,
  KMSInvalidSignatureException,
  KMSInvalidStateException,
  ListAliasesCommand,
  ListKeysCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  KMSServiceException,
  UpdateAliasCommand,
  VerifyCommand,
  type KeySpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { compactVerify, importSPKI } from 'jose';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { startKmsEmulator, type KmsEmulator } from '../local/kms';
import { rawHttp } from './support/raw-http';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const message = Buffer.from('patgate kms emulator test message');
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
const KEYRING = new Map([[CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey]]);

function clientFor(emulator: KmsEmulator): KMSClient {
  return new KMSClient({
    endpoint: emulator.url,
    region: REGION,
    credentials: CREDENTIALS,
  });
}

/** A JSON 1.1 call signed with the SDK's own signer (service `kms`), sent as is: the wire protocol without the client. */
async function signedPost(
  emulator: KmsEmulator,
  target: string,
  body: string,
  { credentials = CREDENTIALS, service = 'kms', extraHeaders = {} as Record<string, string> } = {},
): Promise<Response> {
  const url = new URL(emulator.url);
  const signer = new SignatureV4({ service, region: REGION, credentials, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  return fetch(emulator.url, { method: 'POST', headers: { ...headers, ...extraHeaders }, body });
}

async function createKey(client: KMSClient, keySpec: KeySpec, description?: string): Promise<string> {
  const { KeyMetadata } = await client.send(
    new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY', Description: description }),
  );
  return KeyMetadata!.KeyId!;
}

async function publicKeyOf(client: KMSClient, keyId: string): Promise<KeyObject> {
  const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
}

async function sign(
  client: KMSClient,
  keyId: string,
  algorithm: SigningAlgorithmSpec,
  payload: Uint8Array,
  messageType: 'RAW' | 'DIGEST' = 'RAW',
): Promise<Buffer> {
  const { Signature } = await client.send(
    new SignCommand({ KeyId: keyId, Message: payload, MessageType: messageType, SigningAlgorithm: algorithm }),
  );
  return Buffer.from(Signature!);
}

function sha(bits: 256 | 384 | 512, data: Uint8Array): Buffer {
  return createHash(`sha${bits}`).update(data).digest();
}

/** Resolves to the error a promise rejects with (and fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the call to fail');
}

/**
 * For errors the KMS API model does not declare (ValidationException) or that these tests only check by name:
 * the SDK surfaces them as its base exception class carrying the wire `__type` as name.
 */
function expectServiceError(error: Error, name: string): void {
  expect(error).toBeInstanceOf(KMSServiceException);
  expect(error.name).toBe(name);
}

/** DER ECDSA signature (SEQUENCE of two INTEGERs) to the fixed-size r || s form JOSE uses. */
function derToJose(der: Buffer, coordinateSize: number): Buffer {
  let offset = 1; // SEQUENCE tag
  const sequenceLength = der[offset++]!;
  if (sequenceLength & 0x80) offset += sequenceLength & 0x7f;
  const readInteger = (): Buffer => {
    if (der[offset++] !== 0x02) throw new Error('Expected an INTEGER');
    const length = der[offset++]!;
    const value = der.subarray(offset, offset + length);
    offset += length;
    const unsigned = value.subarray(value.findIndex((octet) => octet !== 0));
    return Buffer.concat([Buffer.alloc(coordinateSize - unsigned.length), unsigned]);
  };
  return Buffer.concat([readInteger(), readInteger()]);
}

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

describe('KMS emulator', () => {
  let emulator: KmsEmulator;
  let client: KMSClient;
  let ecKeyId: string;
  let rsaKeyId: string;

  beforeAll(async () => {
    emulator = await startKmsEmulator({ port: 0, credentials: KEYRING });
    client = clientFor(emulator);
    ecKeyId = await createKey(client, 'ECC_NIST_P256', 'p-256 signing key');
    rsaKeyId = await createKey(client, 'RSA_2048');
  });

  afterAll(async () => {
    client.destroy();
    await emulator.close();
  });

  describe('CreateKey and DescribeKey', () => {
    it('returns KMS-shaped metadata for a P-256 key', async () => {
      const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: ecKeyId }));
      expect(KeyMetadata).toMatchObject({
        AWSAccountId: ACCOUNT,
        KeyId: ecKeyId,
        Arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${ecKeyId}`,
        Enabled: true,
        Description: 'p-256 signing key',
        KeyUsage: 'SIGN_VERIFY',
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        SigningAlgorithms: ['ECDSA_SHA_256'],
        MultiRegion: false,
      });
      expect(ecKeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(KeyMetadata!.CreationDate).toBeInstanceOf(Date);
      expect(Math.abs(KeyMetadata!.CreationDate!.getTime() - Date.now())).toBeLessThan(60_000);
      expect(KeyMetadata!.DeletionDate).toBeUndefined();
    });

    it('lists the RSA signing algorithms for an RSA_2048 key', async () => {
      const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: rsaKeyId }));
      expect(KeyMetadata).toMatchObject({ KeySpec: 'RSA_2048', Description: '' });
      expect(KeyMetadata!.SigningAlgorithms).toEqual([
        'RSASSA_PKCS1_V1_5_SHA_256',
        'RSASSA_PKCS1_V1_5_SHA_384',
        'RSASSA_PKCS1_V1_5_SHA_512',
        'RSASSA_PSS_SHA_256',
        'RSASSA_PSS_SHA_384',
        'RSASSA_PSS_SHA_512',
      ]);
    });

    it('rejects symmetric keys, key specs outside the enum and key usages other than SIGN_VERIFY', async () => {
      const symmetric = await rejection(client.send(new CreateKeyCommand({})));
      expectServiceError(symmetric, 'UnsupportedOperationException');

      const unknownSpec = await rejection(
        client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P999' as KeySpec, KeyUsage: 'SIGN_VERIFY' })),
      );
      expectServiceError(unknownSpec, 'ValidationException');
      expect(unknownSpec.message).toContain("Value 'ECC_NIST_P999' at 'keySpec'");

      const noUsage = await rejection(client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256' })));
      expectServiceError(noUsage, 'ValidationException');

      const encryption = await rejection(
        client.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })),
      );
      expectServiceError(encryption, 'ValidationException');
    });

    it('lists keys with Limit/Marker pagination', async () => {
      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(new ListKeysCommand({ Limit: 1, Marker: marker }));
        expect(page.Keys).toHaveLength(1);
        for (const key of page.Keys!) {
          expect(key.KeyArn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${key.KeyId}`);
          seen.push(key.KeyId!);
        }
        marker = page.Truncated ? page.NextMarker : undefined;
      } while (marker !== undefined);
      expect(seen).toEqual(expect.arrayContaining([ecKeyId, rsaKeyId]));
      expect(new Set(seen).size).toBe(seen.length);
    });
  });

  describe('GetPublicKey', () => {
    it('returns a DER SubjectPublicKeyInfo that node:crypto imports', async () => {
      const response = await client.send(new GetPublicKeyCommand({ KeyId: ecKeyId }));
      expect(response).toMatchObject({
        KeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${ecKeyId}`,
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ECDSA_SHA_256'],
      });
      const ecKey = createPublicKey({ key: Buffer.from(response.PublicKey!), format: 'der', type: 'spki' });
      expect(ecKey.asymmetricKeyType).toBe('ec');
      expect(ecKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

      const rsaKey = await publicKeyOf(client, rsaKeyId);
      expect(rsaKey.asymmetricKeyType).toBe('rsa');
      expect(rsaKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    });
  });

  describe('Sign and Verify', () => {
    it('signs RAW and DIGEST messages with ECDSA_SHA_256 as DER signatures', async () => {
      const publicKey = await publicKeyOf(client, ecKeyId);
      const response = await client.send(
        new SignCommand({ KeyId: ecKeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      expect(response.KeyId).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${ecKeyId}`);
      expect(response.SigningAlgorithm).toBe('ECDSA_SHA_256');
      const rawSignature = Buffer.from(response.Signature!);
      expect(rawSignature[0]).toBe(0x30);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, rawSignature)).toBe(true);

      const digestSignature = await sign(client, ecKeyId, 'ECDSA_SHA_256', sha(256, message), 'DIGEST');
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, digestSignature)).toBe(true);
    });

    it.each([
      ['ECC_NIST_P384', 'ECDSA_SHA_384', 384],
      ['ECC_NIST_P521', 'ECDSA_SHA_512', 512],
    ] as const)('signs with %s keys', async (keySpec, algorithm, bits) => {
      const keyId = await createKey(client, keySpec);
      const publicKey = await publicKeyOf(client, keyId);
      const raw = await sign(client, keyId, algorithm, message);
      const digest = await sign(client, keyId, algorithm, sha(bits, message), 'DIGEST');
      for (const signature of [raw, digest]) {
        expect(verify(`sha${bits}`, message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      }
    });

    it.each([
      ['RSASSA_PKCS1_V1_5_SHA_256', 256, constants.RSA_PKCS1_PADDING],
      ['RSASSA_PKCS1_V1_5_SHA_384', 384, constants.RSA_PKCS1_PADDING],
      ['RSASSA_PKCS1_V1_5_SHA_512', 512, constants.RSA_PKCS1_PADDING],
      ['RSASSA_PSS_SHA_256', 256, constants.RSA_PKCS1_PSS_PADDING],
      ['RSASSA_PSS_SHA_384', 384, constants.RSA_PKCS1_PSS_PADDING],
      ['RSASSA_PSS_SHA_512', 512, constants.RSA_PKCS1_PSS_PADDING],
    ] as const)('signs RAW and DIGEST messages with %s', async (algorithm, bits, padding) => {
      const publicKey = await publicKeyOf(client, rsaKeyId);
      // KMS uses a PSS salt as long as the digest.
      const verifyKey = { key: publicKey, padding, saltLength: bits / 8 };
      const raw = await sign(client, rsaKeyId, algorithm, message);
      const digest = await sign(client, rsaKeyId, algorithm, sha(bits, message), 'DIGEST');
      expect(verify(`sha${bits}`, message, verifyKey, raw)).toBe(true);
      expect(verify(`sha${bits}`, message, verifyKey, digest)).toBe(true);

      const verified = await client.send(
        new VerifyCommand({ KeyId: rsaKeyId, Message: message, Signature: digest, SigningAlgorithm: algorithm }),
      );
      expect(verified).toMatchObject({ SignatureValid: true, SigningAlgorithm: algorithm });
    });

    it('produces ES256 and RS256 JWTs that jose verifies', async () => {
      const cases = [
        { keyId: ecKeyId, alg: 'ES256', algorithm: 'ECDSA_SHA_256' },
        { keyId: rsaKeyId, alg: 'RS256', algorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
      ] as const;
      for (const { keyId, alg, algorithm } of cases) {
        const signingInput = `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${base64url(JSON.stringify({ sub: 'user-1' }))}`;
        const signature = await sign(client, keyId, algorithm, sha(256, Buffer.from(signingInput)), 'DIGEST');
        const joseSignature = alg === 'ES256' ? derToJose(signature, 32) : signature;
        const spkiPem = (await publicKeyOf(client, keyId)).export({ type: 'spki', format: 'pem' }).toString();

        const { payload, protectedHeader } = await compactVerify(
          `${signingInput}.${base64url(joseSignature)}`,
          await importSPKI(spkiPem, alg),
        );
        expect(protectedHeader.alg).toBe(alg);
        expect(JSON.parse(Buffer.from(payload).toString())).toEqual({ sub: 'user-1' });
      }
    });

    it('verifies with Verify and rejects a tampered message with KMSInvalidSignatureException', async () => {
      const signature = await sign(client, ecKeyId, 'ECDSA_SHA_256', message);
      const verified = await client.send(
        new VerifyCommand({
          KeyId: ecKeyId,
          Message: message,
          Signature: signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      expect(verified).toMatchObject({
        KeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${ecKeyId}`,
        SignatureValid: true,
        SigningAlgorithm: 'ECDSA_SHA_256',
      });

      const tampered = await rejection(
        client.send(
          new VerifyCommand({
            KeyId: ecKeyId,
            Message: Buffer.from('another message'),
            Signature: signature,
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        ),
      );
      expect(tampered).toBeInstanceOf(KMSInvalidSignatureException);
    });

    it('rejects a DIGEST whose length does not match the algorithm with ValidationException', async () => {
      const error = await rejection(sign(client, ecKeyId, 'ECDSA_SHA_256', sha(384, message), 'DIGEST'));
      expectServiceError(error, 'ValidationException');
      expect(error.message).toBe('Digest is invalid length for algorithm ECDSA_SHA_256.');
    });

    it('rejects RAW messages over 4096 bytes with ValidationException', async () => {
      const error = await rejection(sign(client, ecKeyId, 'ECDSA_SHA_256', Buffer.alloc(4097)));
      expectServiceError(error, 'ValidationException');
    });

    it('rejects an algorithm that does not fit the key with InvalidKeyUsageException', async () => {
      const error = await rejection(sign(client, ecKeyId, 'RSASSA_PSS_SHA_256', message));
      expect(error).toBeInstanceOf(InvalidKeyUsageException);
    });
  });

  describe('key identification', () => {
    it('answers NotFoundException for unknown and malformed key ids, unknown aliases and foreign ARNs', async () => {
      const identifiers = [
        '00000000-0000-4000-8000-000000000000',
        'not-a-key-id',
        'alias/does-not-exist',
        `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${ecKeyId}`,
        `arn:aws:kms:${REGION}:111111111111:key/${ecKeyId}`,
      ];
      for (const keyId of identifiers) {
        const error = await rejection(client.send(new DescribeKeyCommand({ KeyId: keyId })));
        expect(error).toBeInstanceOf(NotFoundException);
        expect(error.name).toBe('NotFoundException');
      }
    });

    it('accepts the key ARN wherever a key id is accepted', async () => {
      const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${ecKeyId}`;
      const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: arn }));
      expect(KeyMetadata!.KeyId).toBe(ecKeyId);
      await expect(client.send(new EnableKeyCommand({ KeyId: arn }))).resolves.toBeDefined();
    });
  });

  describe('aliases', () => {
    it('creates, resolves, lists, updates and deletes aliases', async () => {
      const aliasName = 'alias/patgate/signing';
      const aliasArn = `arn:aws:kms:${REGION}:${ACCOUNT}:${aliasName}`;
      await client.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: ecKeyId }));

      const ecPublicKey = await publicKeyOf(client, ecKeyId);
      for (const keyId of [aliasName, aliasArn]) {
        const signature = await sign(client, keyId, 'ECDSA_SHA_256', message);
        expect(verify('sha256', message, { key: ecPublicKey, dsaEncoding: 'der' }, signature)).toBe(true);
        const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
        expect(KeyMetadata!.KeyId).toBe(ecKeyId);
      }

      const { Aliases } = await client.send(new ListAliasesCommand({ KeyId: ecKeyId }));
      expect(Aliases).toEqual([
        {
          AliasName: aliasName,
          AliasArn: aliasArn,
          TargetKeyId: ecKeyId,
          CreationDate: expect.any(Date),
          LastUpdatedDate: expect.any(Date),
        },
      ]);

      const duplicate = await rejection(
        client.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: rsaKeyId })),
      );
      expectServiceError(duplicate, 'AlreadyExistsException');

      await client.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: rsaKeyId }));
      const viaAlias = await client.send(
        new SignCommand({ KeyId: aliasName, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
      );
      expect(viaAlias.KeyId).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${rsaKeyId}`);
      const afterUpdate = await client.send(new ListAliasesCommand({ KeyId: rsaKeyId }));
      expect(afterUpdate.Aliases!.map((alias) => alias.AliasName)).toEqual([aliasName]);
      expect((await client.send(new ListAliasesCommand({ KeyId: ecKeyId }))).Aliases).toEqual([]);

      await client.send(new DeleteAliasCommand({ AliasName: aliasName }));
      const deleted = await rejection(client.send(new DescribeKeyCommand({ KeyId: aliasName })));
      expect(deleted).toBeInstanceOf(NotFoundException);
      const deletedAgain = await rejection(client.send(new DeleteAliasCommand({ AliasName: aliasName })));
      expect(deletedAgain).toBeInstanceOf(NotFoundException);
    });

    it('paginates ListAliases', async () => {
      const names = ['alias/page-a', 'alias/page-b', 'alias/page-c'];
      for (const name of names) await client.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: rsaKeyId }));

      const first = await client.send(new ListAliasesCommand({ KeyId: rsaKeyId, Limit: 2 }));
      expect(first.Truncated).toBe(true);
      const second = await client.send(new ListAliasesCommand({ KeyId: rsaKeyId, Limit: 2, Marker: first.NextMarker }));
      expect(second.Truncated).toBe(false);
      expect(second.NextMarker).toBeUndefined();
      expect([...first.Aliases!, ...second.Aliases!].map((alias) => alias.AliasName)).toEqual(names);

      for (const name of names) await client.send(new DeleteAliasCommand({ AliasName: name }));
    });

    it('rejects invalid and reserved alias names', async () => {
      const noPrefix = await rejection(
        client.send(new CreateAliasCommand({ AliasName: 'patgate', TargetKeyId: ecKeyId })),
      );
      expectServiceError(noPrefix, 'ValidationException');

      const reserved = await rejection(
        client.send(new CreateAliasCommand({ AliasName: 'alias/aws/patgate', TargetKeyId: ecKeyId })),
      );
      expectServiceError(reserved, 'InvalidAliasNameException');

      const aliasTarget = await rejection(
        client.send(new CreateAliasCommand({ AliasName: 'alias/nested', TargetKeyId: 'alias/other' })),
      );
      expect(aliasTarget).toBeInstanceOf(NotFoundException);
    });
  });

  describe('key states', () => {
    it('answers DisabledException for a disabled key until it is enabled again', async () => {
      const keyId = await createKey(client, 'ECC_NIST_P256');
      await client.send(new DisableKeyCommand({ KeyId: keyId }));

      const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });

      const signError = await rejection(sign(client, keyId, 'ECDSA_SHA_256', message));
      expect(signError.name).toBe('DisabledException');
      expect(signError).toBeInstanceOf(DisabledException);
      const publicKeyError = await rejection(client.send(new GetPublicKeyCommand({ KeyId: keyId })));
      expect(publicKeyError).toBeInstanceOf(DisabledException);

      await client.send(new EnableKeyCommand({ KeyId: keyId }));
      await expect(sign(client, keyId, 'ECDSA_SHA_256', message)).resolves.toBeInstanceOf(Buffer);
    });

    it('answers KMSInvalidStateException for a key pending deletion; canceling leaves it disabled', async () => {
      const keyId = await createKey(client, 'ECC_NIST_P256');
      const scheduled = await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
      expect(scheduled).toMatchObject({
        KeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
        KeyState: 'PendingDeletion',
        PendingWindowInDays: 7,
      });
      const sevenDays = 7 * 24 * 60 * 60 * 1000;
      expect(Math.abs(scheduled.DeletionDate!.getTime() - (Date.now() + sevenDays))).toBeLessThan(60_000);

      const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      expect(KeyMetadata).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false });
      expect(KeyMetadata!.DeletionDate).toEqual(scheduled.DeletionDate);

      const signError = await rejection(sign(client, keyId, 'ECDSA_SHA_256', message));
      expect(signError.name).toBe('KMSInvalidStateException');
      expect(signError).toBeInstanceOf(KMSInvalidStateException);
      const enableError = await rejection(client.send(new EnableKeyCommand({ KeyId: keyId })));
      expect(enableError).toBeInstanceOf(KMSInvalidStateException);

      const canceled = await client.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
      expect(canceled.KeyId).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`);
      const afterCancel = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      expect(afterCancel.KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
      expect(afterCancel.KeyMetadata!.DeletionDate).toBeUndefined();
    });

    it('rejects a pending window outside 7 to 30 days with ValidationException', async () => {
      const error = await rejection(
        client.send(new ScheduleKeyDeletionCommand({ KeyId: ecKeyId, PendingWindowInDays: 3 })),
      );
      expectServiceError(error, 'ValidationException');
    });
  });

  describe('wire protocol', () => {
    const post = (target: string, body: string) => signedPost(emulator, target, body);

    it('answers an unknown target with UnknownOperationException', async () => {
      const response = await post('TrentService.Encrypt', '{}');
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });

    it('answers malformed JSON with SerializationException', async () => {
      const response = await post('TrentService.DescribeKey', '{"KeyId":');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
    });

    it('sends blobs as base64 and timestamps as epoch seconds', async () => {
      const response = await post('TrentService.DescribeKey', JSON.stringify({ KeyId: ecKeyId }));
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      const { KeyMetadata } = (await response.json()) as { KeyMetadata: { CreationDate: unknown } };
      expect(typeof KeyMetadata.CreationDate).toBe('number');
    });
  });
});

describe('KMS emulator fault injection', () => {
  it('answers with the error beforeOperation returns', async () => {
    const emulator = await startKmsEmulator({
      credentials: KEYRING,
      beforeOperation: (operation) =>
        operation === 'Sign' ? { type: 'KMSInvalidStateException', message: 'injected fault' } : undefined,
    });
    const client = clientFor(emulator);
    try {
      const keyId = await createKey(client, 'ECC_NIST_P256');
      const error = await rejection(sign(client, keyId, 'ECDSA_SHA_256', message));
      expect(error).toBeInstanceOf(KMSInvalidStateException);
      expect(error.message).toBe('injected fault');
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});

describe('KMS emulator persistence', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kms-emulator-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps keys, key states and aliases across restarts on the same dataDir', async () => {
    const first = await startKmsEmulator({ dataDir, credentials: KEYRING });
    const firstClient = clientFor(first);
    const keyId = await createKey(firstClient, 'ECC_NIST_P256');
    const disabledKeyId = await createKey(firstClient, 'RSA_2048');
    await firstClient.send(new DisableKeyCommand({ KeyId: disabledKeyId }));
    await firstClient.send(new CreateAliasCommand({ AliasName: 'alias/persisted', TargetKeyId: keyId }));
    const { PublicKey: originalPublicKey } = await firstClient.send(new GetPublicKeyCommand({ KeyId: keyId }));
    firstClient.destroy();
    await first.close();

    expect(await readdir(dataDir)).toEqual(['kms-state.json']);

    const second = await startKmsEmulator({ dataDir, credentials: KEYRING });
    const secondClient = clientFor(second);
    try {
      const { PublicKey } = await secondClient.send(new GetPublicKeyCommand({ KeyId: 'alias/persisted' }));
      expect(Buffer.from(PublicKey!)).toEqual(Buffer.from(originalPublicKey!));

      const signature = await sign(secondClient, keyId, 'ECDSA_SHA_256', message);
      const publicKey = createPublicKey({ key: Buffer.from(originalPublicKey!), format: 'der', type: 'spki' });
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);

      const { KeyMetadata } = await secondClient.send(new DescribeKeyCommand({ KeyId: disabledKeyId }));
      expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', KeySpec: 'RSA_2048' });
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });
});

describe('KMS emulator authentication', () => {
  let emulator: KmsEmulator;
  beforeAll(async () => {
    emulator = await startKmsEmulator({ credentials: KEYRING });
  });
  afterAll(() => emulator.close());

  const listKeys = 'TrentService.ListKeys';
  async function expectRefusal(response: Response, type: string, message: RegExp) {
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(await response.json()).toEqual({ __type: type, message: expect.stringMatching(message) });
  }

  it('signs for nobody who does not sign: no credentials, unknown key, wrong secret, wrong scope', async () => {
    const unsigned = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': listKeys },
      body: '{}',
    });
    await expectRefusal(unsigned, 'MissingAuthenticationTokenException', /^Missing Authentication Token$/);
    await expectRefusal(
      await signedPost(emulator, listKeys, '{}', { credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } }),
      'UnrecognizedClientException',
      /security token included in the request is invalid/,
    );
    await expectRefusal(
      await signedPost(emulator, listKeys, '{}', { credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } }),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    );
    await expectRefusal(
      await signedPost(emulator, listKeys, '{}', { service: 'execute-api' }),
      'InvalidSignatureException',
      /scoped to correct service: 'kms'/,
    );
    // The signature covers X-Amz-Target: a signed call can't be replayed as another operation.
    const sign = await signedPost(emulator, 'TrentService.Sign', '{"KeyId":"x"}', {
      extraHeaders: { 'x-amz-target': listKeys },
    });
    await expectRefusal(sign, 'InvalidSignatureException', /signature we calculated does not match/);
    expect((await signedPost(emulator, listKeys, '{}')).status).toBe(200);
  });

  it('refuses a signed header sent twice', async () => {
    const url = new URL(emulator.url);
    const signer = new SignatureV4({
      service: 'kms',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': listKeys },
      body: '{}',
    });
    const response = await rawHttp({
      method: 'POST',
      url: emulator.url,
      headers: [
        ...Object.entries(signed.headers).filter(([name]) => name !== 'host'),
        ['x-amz-target', 'TrentService.ScheduleKeyDeletion'],
      ],
      body: Buffer.from('{}'),
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      __type: 'InvalidSignatureException',
      message: "The 'x-amz-target' header must not appear more than once.",
    });
  });

  it('answers the unmodified SDK with the error classes it knows', async () => {
    const stranger = new KMSClient({
      endpoint: emulator.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    try {
      const error = await rejection(stranger.send(new ListKeysCommand({})));
      expect(error.name).toBe('UnrecognizedClientException');
      expect((error as unknown as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    } finally {
      stranger.destroy();
    }
  });
});
