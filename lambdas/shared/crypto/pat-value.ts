/**
 * PAT values: `pat_` + 32 random base62 characters + a 6-character base62 CRC32 of the random part.
 * The checksum (GitHub's token format idea) lets typos fail without a database read and lets secret
 * scanners recognise leaked tokens. Only the SHA-256 of the whole value is ever stored.
 */
import { crc32 } from 'node:zlib';
import { BASE62, randomString, sha256Hex } from './secrets';

export const PAT_PREFIX = 'pat_';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const PAT_PATTERN = new RegExp(`^${PAT_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function checksum(random: string): string {
  let value = crc32(random);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generatePatValue(): string {
  const random = randomString(RANDOM_LENGTH);
  return `${PAT_PREFIX}${random}${checksum(random)}`;
}

/** True when the value has the PAT shape and its checksum matches; says nothing about existence. */
export function isWellFormedPat(value: string): boolean {
  if (!PAT_PATTERN.test(value)) return false;
  const random = value.slice(PAT_PREFIX.length, PAT_PREFIX.length + RANDOM_LENGTH);
  return value.slice(PAT_PREFIX.length + RANDOM_LENGTH) === checksum(random);
}

export const hashPatValue = sha256Hex;
