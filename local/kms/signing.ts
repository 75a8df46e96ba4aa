/**
 * Key generation and signing over digests. Every request is reduced to a digest first (RAW messages are hashed
 * here, as KMS does) so RAW and DIGEST requests share one code path. node:crypto cannot sign a prehashed
 * message with EC or RSA-PSS keys, hence @noble/curves for ECDSA and the padding in rsa-pss.ts.
 */
import {
  constants,
  createHash,
  generateKeyPairSync,
  privateEncrypt,
  publicDecrypt,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import {
  KEY_SPECS,
  SIGNING_ALGORITHMS,
  type HashName,
  type SupportedKeySpec,
  type SupportedSigningAlgorithm,
} from './key-specs';
import { encodePss, verifyPss } from './rsa-pss';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** noble curves by the OpenSSL curve names node:crypto reports. */
const CURVES = new Map<string, ECDSA>([
  ['prime256v1', p256],
  ['secp384r1', p384],
  ['secp521r1', p521],
]);

/** ECDSA signatures are DER-encoded and not normalized to low-S, like the ones KMS returns. */
const ECDSA_OPTIONS = { prehash: false, format: 'der', lowS: false } as const;

/** DER encoding of the DigestInfo header that precedes the digest in an RSASSA-PKCS1-v1_5 signature. */
const DIGEST_INFO_PREFIX: Readonly<Record<HashName, Buffer>> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

export function generateKeyPair(keySpec: SupportedKeySpec): KeyPair {
  const definition = KEY_SPECS[keySpec];
  return definition.type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: definition.namedCurve })
    : generateKeyPairSync('rsa', { modulusLength: definition.modulusLength });
}

export function hashMessage(algorithm: SupportedSigningAlgorithm, message: Buffer): Buffer {
  return createHash(SIGNING_ALGORITHMS[algorithm].hash).update(message).digest();
}

export function signDigest(privateKey: KeyObject, algorithm: SupportedSigningAlgorithm, digest: Buffer): Buffer {
  const { scheme, hash } = SIGNING_ALGORITHMS[algorithm];
  switch (scheme) {
    case 'ECDSA': {
      const jwk = privateKey.export({ format: 'jwk' });
      const secretKey = Buffer.from(requireJwkMember(jwk.d), 'base64url');
      return Buffer.from(curveOf(privateKey).sign(digest, secretKey, ECDSA_OPTIONS));
    }
    case 'RSASSA_PKCS1_V1_5':
      return privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]),
      );
    case 'RSASSA_PSS': {
      const modulusBits = modulusLengthOf(privateKey);
      const encoded = encodePss(hash, digest, modulusBits - 1);
      // The raw RSA primitive takes exactly one modulus worth of octets.
      const block = Buffer.concat([Buffer.alloc(Math.ceil(modulusBits / 8) - encoded.length), encoded]);
      return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
    }
  }
}

export function verifyDigest(
  publicKey: KeyObject,
  algorithm: SupportedSigningAlgorithm,
  digest: Buffer,
  signature: Buffer,
): boolean {
  const { scheme, hash } = SIGNING_ALGORITHMS[algorithm];
  switch (scheme) {
    case 'ECDSA': {
      const jwk = publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([
        Buffer.from([0x04]),
        Buffer.from(requireJwkMember(jwk.x), 'base64url'),
        Buffer.from(requireJwkMember(jwk.y), 'base64url'),
      ]);
      try {
        return curveOf(publicKey).verify(signature, digest, point, ECDSA_OPTIONS);
      } catch {
        return false; // not a DER signature at all
      }
    }
    case 'RSASSA_PKCS1_V1_5': {
      const expected = Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]);
      const recovered = rsaPublicOperation(publicKey, constants.RSA_PKCS1_PADDING, signature);
      return recovered !== undefined && recovered.length === expected.length && timingSafeEqual(recovered, expected);
    }
    case 'RSASSA_PSS': {
      const modulusBits = modulusLengthOf(publicKey);
      const block = rsaPublicOperation(publicKey, constants.RSA_NO_PADDING, signature);
      const encodedLength = Math.ceil((modulusBits - 1) / 8);
      return (
        block !== undefined &&
        block.subarray(0, block.length - encodedLength).every((octet) => octet === 0) &&
        verifyPss(hash, digest, block.subarray(block.length - encodedLength), modulusBits - 1)
      );
    }
  }
}

/** Undefined when the signature is not even a valid RSA input (wrong length, or not below the modulus). */
function rsaPublicOperation(publicKey: KeyObject, padding: number, signature: Buffer): Buffer | undefined {
  try {
    return publicDecrypt({ key: publicKey, padding }, signature);
  } catch {
    return undefined;
  }
}

function curveOf(key: KeyObject): ECDSA {
  const namedCurve = key.asymmetricKeyDetails?.namedCurve ?? '(none)';
  const curve = CURVES.get(namedCurve);
  if (curve === undefined) throw new Error(`Unsupported EC key curve ${namedCurve}`);
  return curve;
}

function modulusLengthOf(key: KeyObject): number {
  const modulusLength = key.asymmetricKeyDetails?.modulusLength;
  if (modulusLength === undefined) throw new Error('Expected an RSA key');
  return modulusLength;
}

function requireJwkMember(value: string | undefined): string {
  if (value === undefined) throw new Error('Expected an EC key to export its coordinates as JWK');
  return value;
}
