/** The asymmetric signing key specs and signing algorithms the emulator supports, with their KMS pairings. */
import type { KeySpec, SigningAlgorithmSpec } from '@aws-sdk/client-kms';

export type HashName = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_LENGTH: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48, sha512: 64 };

interface SigningAlgorithmDefinition {
  scheme: 'ECDSA' | 'RSASSA_PKCS1_V1_5' | 'RSASSA_PSS';
  hash: HashName;
}

export const SIGNING_ALGORITHMS = {
  ECDSA_SHA_256: { scheme: 'ECDSA', hash: 'sha256' },
  ECDSA_SHA_384: { scheme: 'ECDSA', hash: 'sha384' },
  ECDSA_SHA_512: { scheme: 'ECDSA', hash: 'sha512' },
  RSASSA_PKCS1_V1_5_SHA_256: { scheme: 'RSASSA_PKCS1_V1_5', hash: 'sha256' },
  RSASSA_PKCS1_V1_5_SHA_384: { scheme: 'RSASSA_PKCS1_V1_5', hash: 'sha384' },
  RSASSA_PKCS1_V1_5_SHA_512: { scheme: 'RSASSA_PKCS1_V1_5', hash: 'sha512' },
  RSASSA_PSS_SHA_256: { scheme: 'RSASSA_PSS', hash: 'sha256' },
  RSASSA_PSS_SHA_384: { scheme: 'RSASSA_PSS', hash: 'sha384' },
  RSASSA_PSS_SHA_512: { scheme: 'RSASSA_PSS', hash: 'sha512' },
} as const satisfies Partial<Record<SigningAlgorithmSpec, SigningAlgorithmDefinition>>;

export type SupportedSigningAlgorithm = keyof typeof SIGNING_ALGORITHMS;

type KeySpecDefinition = (
  { type: 'ec'; namedCurve: 'prime256v1' | 'secp384r1' | 'secp521r1' } | { type: 'rsa'; modulusLength: number }
) & { signingAlgorithms: readonly SupportedSigningAlgorithm[] };

const RSA_SIGNING_ALGORITHMS = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
] as const;

export const KEY_SPECS = {
  ECC_NIST_P256: { type: 'ec', namedCurve: 'prime256v1', signingAlgorithms: ['ECDSA_SHA_256'] },
  ECC_NIST_P384: { type: 'ec', namedCurve: 'secp384r1', signingAlgorithms: ['ECDSA_SHA_384'] },
  ECC_NIST_P521: { type: 'ec', namedCurve: 'secp521r1', signingAlgorithms: ['ECDSA_SHA_512'] },
  RSA_2048: { type: 'rsa', modulusLength: 2048, signingAlgorithms: RSA_SIGNING_ALGORITHMS },
  RSA_3072: { type: 'rsa', modulusLength: 3072, signingAlgorithms: RSA_SIGNING_ALGORITHMS },
  RSA_4096: { type: 'rsa', modulusLength: 4096, signingAlgorithms: RSA_SIGNING_ALGORITHMS },
} as const satisfies Partial<Record<KeySpec, KeySpecDefinition>>;

export type SupportedKeySpec = keyof typeof KEY_SPECS;

export function isSupportedKeySpec(keySpec: string): keySpec is SupportedKeySpec {
  return Object.hasOwn(KEY_SPECS, keySpec);
}

export function signingAlgorithmsFor(keySpec: SupportedKeySpec): readonly SupportedSigningAlgorithm[] {
  return KEY_SPECS[keySpec].signingAlgorithms;
}
