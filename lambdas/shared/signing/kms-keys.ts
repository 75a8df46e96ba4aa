/**
 * Public keys of KMS signing keys, addressed by alias so that rotation is an alias swap.
 * Results are kept for KEY_CACHE_TTL_SECONDS and refreshed in the background after that
 * (stale-while-revalidate), so no request waits on GetPublicKey once a container is warm.
 */
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, NotFoundException } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { kms } from '../aws/kms';
import { env } from '../config';
import { toDependencyError } from '../aws/dependency-errors';

export type JwsAlgorithm = 'ES256' | 'ES384' | 'RS256';

export interface SigningKey {
  /** Key ARN: Sign is called with it, never with the alias, so the kid always matches the signer. */
  keyArn: string;
  kid: string;
  alg: JwsAlgorithm;
  kmsAlgorithm: 'ECDSA_SHA_256' | 'ECDSA_SHA_384' | 'RSASSA_PKCS1_V1_5_SHA_256';
  publicJwk: JWK;
}

const algorithms: Record<string, Pick<SigningKey, 'alg' | 'kmsAlgorithm'>> = {
  ECC_NIST_P256: { alg: 'ES256', kmsAlgorithm: 'ECDSA_SHA_256' },
  ECC_NIST_P384: { alg: 'ES384', kmsAlgorithm: 'ECDSA_SHA_384' },
  RSA_2048: { alg: 'RS256', kmsAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
  RSA_3072: { alg: 'RS256', kmsAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
  RSA_4096: { alg: 'RS256', kmsAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
};

/** Reads a key's public half; undefined when the alias points nowhere (e.g. no "previous" key yet). */
export async function fetchSigningKey(alias: string): Promise<SigningKey | undefined> {
  let response;
  try {
    response = await kms().send(new GetPublicKeyCommand({ KeyId: alias }));
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw toDependencyError('kms', error);
  }
  const { KeyId, PublicKey, KeySpec } = response;
  const algorithm = algorithms[KeySpec ?? ''];
  if (!KeyId || !PublicKey || !algorithm)
    throw new Error(`KMS key ${alias} is not a supported signing key (${KeySpec})`);
  const jwk = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }).export({
    format: 'jwk',
  }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { keyArn: KeyId, kid, ...algorithm, publicJwk: { ...jwk, kid, alg: algorithm.alg, use: 'sig' } };
}

export const keyCacheTtlMs = () => env.keyCacheTtlSeconds() * 1000;
