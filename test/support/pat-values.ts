/**
 * PAT values for hostile tests, built from the documented format (`pat_` + 32 base62 + base62 CRC32 of
 * those 32, see lambdas/shared/crypto/pat-value.ts) rather than with the production generator, so that
 * fast-check's seed decides them and a format change shows up here.
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function checksum(random: string): string {
  let value = crc32(random);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** A well-formed PAT (valid checksum) that was never issued: 62^32 values, so it exists with probability 0. */
export const unknownWellFormedPat = fc
  .string({ unit: fc.constantFrom(...BASE62), minLength: 32, maxLength: 32 })
  .map((random) => `pat_${random}${checksum(random)}`);

/** `value` with exactly one character replaced, removed, inserted or case-flipped. */
export function oneCharChanged(value: string): fc.Arbitrary<string> {
  const position = fc.nat({ max: value.length - 1 });
  const anyChar = fc.oneof(fc.constantFrom(...BASE62), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  return fc
    .oneof(
      fc.tuple(position, anyChar).map(([at, char]) => value.slice(0, at) + char + value.slice(at + 1)),
      position.map((at) => value.slice(0, at) + value.slice(at + 1)),
      fc.tuple(position, anyChar).map(([at, char]) => value.slice(0, at) + char + value.slice(at)),
      position.map((at) => {
        const char = value[at]!;
        const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
        return value.slice(0, at) + flipped + value.slice(at + 1);
      }),
    )
    .filter((changed) => changed !== value);
}
