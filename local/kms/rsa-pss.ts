/**
 * EMSA-PSS encoding and verification (RFC 8017, section 9.1) over an already computed digest, with MGF1 on the
 * same hash and a salt as long as the digest, which is how KMS signs. node:crypto only offers PSS over a whole
 * message, but a DIGEST signing request hands us just the hash, so the padding is done here and the RSA
 * primitive is applied without padding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HashName } from './key-specs';

function mgf1(hash: HashName, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let produced = 0, index = 0; produced < length; index++) {
    counter.writeUInt32BE(index);
    const block = createHash(hash).update(seed).update(counter).digest();
    blocks.push(block);
    produced += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xorInPlace(target: Buffer, mask: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i]! ^= mask[i]!;
}

/** H = Hash(0x00 * 8 || mHash || salt) */
function saltedHash(hash: HashName, digest: Buffer, salt: Buffer): Buffer {
  return createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
}

/** Mask that clears the bits of the first octet that lie above emBits. */
function firstOctetMask(encodedLength: number, emBits: number): number {
  return 0xff >> (8 * encodedLength - emBits);
}

export function encodePss(hash: HashName, digest: Buffer, emBits: number): Buffer {
  const encodedLength = Math.ceil(emBits / 8);
  const saltLength = digest.length;
  const salt = randomBytes(saltLength);
  const h = saltedHash(hash, digest, salt);

  // DB = PS (zeros) || 0x01 || salt
  const db = Buffer.alloc(encodedLength - digest.length - 1);
  db[db.length - saltLength - 1] = 0x01;
  salt.copy(db, db.length - saltLength);
  xorInPlace(db, mgf1(hash, h, db.length));
  db[0]! &= firstOctetMask(encodedLength, emBits);

  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

export function verifyPss(hash: HashName, digest: Buffer, encoded: Buffer, emBits: number): boolean {
  const encodedLength = Math.ceil(emBits / 8);
  const saltLength = digest.length;
  if (encoded.length !== encodedLength || encoded[encodedLength - 1] !== 0xbc) return false;

  const db = Buffer.from(encoded.subarray(0, encodedLength - digest.length - 1));
  const h = encoded.subarray(db.length, encodedLength - 1);
  const mask = firstOctetMask(encodedLength, emBits);
  if ((db[0]! & ~mask) !== 0) return false;
  xorInPlace(db, mgf1(hash, h, db.length));
  db[0]! &= mask;

  const separatorIndex = db.length - saltLength - 1;
  if (db.subarray(0, separatorIndex).some((octet) => octet !== 0) || db[separatorIndex] !== 0x01) return false;
  return timingSafeEqual(h, saltedHash(hash, digest, db.subarray(separatorIndex + 1)));
}
