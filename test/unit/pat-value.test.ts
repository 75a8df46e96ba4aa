/** PAT values (lambdas/shared/crypto/pat-value.ts): format, checksum and hash, without any service. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { generatePatValue, hashPatValue, isWellFormedPat, PAT_PREFIX } from '../../lambdas/shared/crypto/pat-value';
import { oneCharChanged, unknownWellFormedPat } from '../support/pat-values';

const FORMAT = /^pat_[0-9A-Za-z]{38}$/;

describe('generatePatValue', () => {
  it('makes pat_ + 32 random base62 characters + a 6-character checksum, well-formed by its own check', () => {
    const values = Array.from({ length: 200 }, generatePatValue);
    for (const value of values) {
      expect(value).toMatch(FORMAT);
      expect(value.startsWith(PAT_PREFIX)).toBe(true);
      expect(isWellFormedPat(value)).toBe(true);
    }
    expect(new Set(values).size).toBe(values.length);
  });

  it('agrees with the documented format, built independently (test/support/pat-values.ts)', () => {
    fc.assert(
      fc.property(unknownWellFormedPat, (value) => isWellFormedPat(value)),
      { seed: 12_001, numRuns: 300 },
    );
  });
});

describe('isWellFormedPat', () => {
  const issued = generatePatValue();

  it('rejects every one-character change: a typo fails without a database read', () => {
    fc.assert(
      fc.property(oneCharChanged(issued), (changed) => !isWellFormedPat(changed)),
      { seed: 12_002, numRuns: 200 },
    );
  });

  it.each([
    ['empty', ''],
    ['prefix only', 'pat_'],
    ['another prefix', `tok_${issued.slice(4)}`],
    ['upper-case prefix', `PAT_${issued.slice(4)}`],
    ['trailing newline', `${issued}\n`],
    ['leading space', ` ${issued}`],
    ['one character short', issued.slice(0, -1)],
    ['doubled', issued + issued.slice(4)],
  ])('rejects %s', (_, value) => {
    expect(isWellFormedPat(value)).toBe(false);
  });
});

describe('hashPatValue', () => {
  it('is the hex SHA-256 of the whole value, UTF-8', () => {
    expect(hashPatValue('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        return hashPatValue(value) === createHash('sha256').update(Buffer.from(value, 'utf8')).digest('hex');
      }),
      { seed: 12_003, numRuns: 200 },
    );
  });
});
