/**
 * Signs JWTs with the current KMS key. The private key never leaves KMS: we send it the JWS signing
 * input (MessageType RAW: KMS hashes it, exactly once, in every faithful implementation; moto hashes
 * DIGEST input a second time) and convert KMS's DER ECDSA signature to the fixed-size r‖s form JWS
 * requires (RFC 7518 §3.4). A signing input is far below RAW's 4096-byte limit.
 */
import { randomUUID } from 'node:crypto';
import { SignCommand } from '@aws-sdk/client-kms';
import { kms } from '../aws/kms';
import { cached } from '../cache';
import { env } from '../config';
import { toDependencyError } from '../aws/dependency-errors';
import { derToJose } from './ecdsa-der';
import { fetchSigningKey, keyCacheTtlMs, type SigningKey } from './kms-keys';

const currentKey = cached(async () => {
  const key = await fetchSigningKey(env.signingKeyAlias());
  if (!key) throw new Error(`Signing key alias ${env.signingKeyAlias()} does not exist`);
  return key;
}, keyCacheTtlMs);

/** Resolves the current key ahead of the first request (called at container init). */
export function warmSigningKey(): void {
  currentKey.get().catch(() => undefined);
}

const ecdsaSize: Partial<Record<SigningKey['alg'], number>> = { ES256: 32, ES384: 48 };

export interface SignedJwt {
  token: string;
  kid: string;
}

/** Node's own base64url: jose's portable encoder costs ~15 µs per token on the exchange's path. */
const base64url = (data: string | Uint8Array) =>
  (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString(
    'base64url',
  );

export async function signJwt(payload: Record<string, unknown>, type = 'at+jwt'): Promise<SignedJwt> {
  const key = await currentKey.get();
  const header = { alg: key.alg, typ: type, kid: key.kid };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;

  let signature: Uint8Array;
  try {
    const response = await kms().send(
      new SignCommand({
        KeyId: key.keyArn,
        Message: Buffer.from(signingInput),
        MessageType: 'RAW',
        SigningAlgorithm: key.kmsAlgorithm,
      }),
    );
    if (!response.Signature) throw new Error('KMS returned no signature');
    signature = response.Signature;
  } catch (error) {
    // The key may have been disabled or replaced: look it up afresh next time.
    currentKey.invalidate();
    throw toDependencyError('kms', error);
  }
  const size = ecdsaSize[key.alg];
  const jws = size ? derToJose(signature, size) : signature;
  return { token: `${signingInput}.${base64url(jws)}`, kid: key.kid };
}

export const newJti = () => randomUUID();
