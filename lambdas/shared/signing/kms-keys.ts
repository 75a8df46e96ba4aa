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

/**
 * The algorithm follows from the public key itself (its curve, or RSA), not from GetPublicKey's KeySpec:
 * that field is optional in the API and some implementations (moto) leave it out.
 */
function algorithmOf(jwk: JWK): Pick<SigningKey, 'alg' | 'kmsAlgorithm'> | undefined {
  if (jwk.kty === 'RSA') return { alg: 'RS256', kmsAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' };
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return { alg: 'ES256', kmsAlgorithm: 'ECDSA_SHA_256' };
  if (jwk.kty === 'EC' && jwk.crv === 'P-384') return { alg: 'ES384', kmsAlgorithm: 'ECDSA_SHA_384' };
  return undefined;
}

/** Reads a key's public half; undefined when the alias points nowhere (e.g. no "previous" key yet). */
export async function fetchSigningKey(alias: string): Promise<SigningKey | undefined> {
  let response;
  try {
    response = await kms().send(new GetPublicKeyCommand({ KeyId: alias }));
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw toDependencyError('kms', error);
  }
  const { KeyId, PublicKey, KeySpec, CustomerMasterKeySpec } = response;
  if (!KeyId || !PublicKey) throw new Error(`KMS key ${alias}: GetPublicKey returned no key id or public key`);
  const jwk = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }).export({
    format: 'jwk',
  }) as JWK;
  const algorithm = algorithmOf(jwk);
  if (!algorithm) {
    const spec = KeySpec ?? CustomerMasterKeySpec ?? `${jwk.kty} ${jwk.crv ?? ''}`.trim();
    throw new Error(`KMS key ${alias} is not a supported signing key (${spec})`);
  }
  const kid = await calculateJwkThumbprint(jwk);
  return { keyArn: KeyId, kid, ...algorithm, publicJwk: { ...jwk, kid, alg: algorithm.alg, use: 'sig' } };
}

export const keyCacheTtlMs = () => env.keyCacheTtlSeconds() * 1000;
