/** The pure rules of model/pat.ts: grace boundary, reuse tolerance, lifetime policy at exchange and creation. */
import {
  credentialRefusal,
  noPolicy,
  policyExpiry,
  refusalDescription,
  type PatCredential,
  type PatPolicy,
} from '../../lambdas/shared/model/pat';

const now = 1_800_000_000_000;
const credential = (overrides: Partial<PatCredential> = {}): PatCredential => ({
  id: 'p1',
  userId: 'u',
  name: 'n',
  expiresAt: null,
  scopes: null,
  patEpoch: 'e',
  issuedAt: now - 1000,
  lastUsedAt: null,
  ...overrides,
});
const policy = (overrides: Partial<PatPolicy>): PatPolicy => ({ ...noPolicy, ...overrides });

describe('rotated-out values', () => {
  const rotatedOut = (graceUntil: number) => credential({ rotatedOut: { graceUntil } });
  it('work strictly before graceUntil, are refused from graceUntil, and are reuse from graceUntil + tolerance', () => {
    const p = policy({ reuseToleranceMs: 30_000 });
    expect(credentialRefusal(rotatedOut(now + 1), now, p)).toBeUndefined();
    expect(credentialRefusal(rotatedOut(now), now, p)).toBe('unusable');
    expect(credentialRefusal(rotatedOut(now - 29_999), now, p)).toBe('unusable');
    expect(credentialRefusal(rotatedOut(now - 30_000), now, p)).toBe('reused');
    expect(credentialRefusal(rotatedOut(now), now, policy({ reuseToleranceMs: 0 }))).toBe('reused');
  });
  it('in their grace still obey expiry and the policy', () => {
    expect(credentialRefusal(credential({ rotatedOut: { graceUntil: now + 1 }, expiresAt: now }), now)).toBe('expired');
  });
});

describe('policy at exchange', () => {
  it('refuses a value older than the maximum lifetime, from the moment it reaches it', () => {
    const p = policy({ maxLifetimeMs: 1000 });
    expect(credentialRefusal(credential({ issuedAt: now - 999 }), now, p)).toBeUndefined();
    expect(credentialRefusal(credential({ issuedAt: now - 1000 }), now, p)).toBe('too_old');
    // Lookup items written before issuedAt was recorded can't be aged.
    expect(credentialRefusal(credential({ issuedAt: null }), now, p)).toBeUndefined();
  });
  it('refuses a value unused for too long, counting the later of last use and issue', () => {
    const p = policy({ revokeUnusedAfterMs: 1000 });
    expect(credentialRefusal(credential({ issuedAt: now - 5000, lastUsedAt: now - 999 }), now, p)).toBeUndefined();
    expect(credentialRefusal(credential({ issuedAt: now - 5000, lastUsedAt: now - 1000 }), now, p)).toBe('unused');
    expect(credentialRefusal(credential({ issuedAt: now - 10, lastUsedAt: now - 5000 }), now, p)).toBeUndefined();
  });
  it('describes refusals with the numbers, and says nothing about unknown or rotated-out values', () => {
    const p = policy({ maxLifetimeMs: 90 * 86_400_000, revokeUnusedAfterMs: 86_400_000 });
    expect(refusalDescription('too_old', p)).toContain('maximum lifetime of 90 days');
    expect(refusalDescription('unused', p)).toContain('the 1 day this deployment allows');
    expect(refusalDescription('reused', p)).toBe(refusalDescription('unusable', p));
  });
});

describe('policy at creation', () => {
  it('keeps an explicit expiry, applies the default when none is given, allows none without a policy', () => {
    expect(policyExpiry(now + 5, now, noPolicy)).toEqual({ expiresAt: now + 5 });
    expect(policyExpiry(undefined, now, noPolicy)).toEqual({ expiresAt: null });
    expect(policyExpiry(undefined, now, policy({ defaultLifetimeMs: 60_000 }))).toEqual({ expiresAt: now + 60_000 });
  });
  it('refuses no expiry when required or capped, and an expiry past the cap (the cap itself is fine)', () => {
    expect(policyExpiry(null, now, policy({ requireExpiry: true }))).toHaveProperty('message');
    const capped = policy({ maxLifetimeMs: 7 * 86_400_000 });
    expect(policyExpiry(undefined, now, capped)).toEqual({
      message: 'This deployment requires personal access tokens to expire: give expiresAt at most 7 days from now.',
    });
    expect(policyExpiry(now + 7 * 86_400_000, now, capped)).toEqual({ expiresAt: now + 7 * 86_400_000 });
    expect(policyExpiry(now + 7 * 86_400_000 + 1, now, capped)).toHaveProperty('message');
  });
});
