/**
 * The pure rules of model/pat.ts and model/pat-policy.ts: grace boundary, reuse tolerance, lifetime policy at
 * exchange and creation, and the per-application / per-resource overrides (only ever tightening).
 */
import {
  credentialRefusal,
  noPolicy,
  policyExpiry,
  refusalDescription,
  type PatCredential,
  type PatPolicy,
} from '../../lambdas/shared/model/pat';
import {
  effectivePatPolicy,
  exchangePatPolicy,
  normalizeOverride,
  type PatPolicyOverride,
} from '../../lambdas/shared/model/pat-policy';

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

describe('overrides of applications and resources at exchange', () => {
  const app = (patPolicy: PatPolicyOverride | null) => ({ id: 'a1', name: 'CI', patPolicy });
  const resource = (patPolicy: PatPolicyOverride | null) => ({ indicator: 'https://api.example.com', patPolicy });

  it('without overrides is the deployment policy itself', () => {
    const deployment = policy({ maxLifetimeMs: 5000 });
    expect(exchangePatPolicy(deployment, app(null), null)).toEqual(deployment);
    expect(exchangePatPolicy(deployment, app({}), resource(null))).toEqual(deployment);
  });

  it('tightens: the stricter value applies, and the refusal names whose it is, with the numbers', () => {
    const deployment = policy({ maxLifetimeMs: 90 * 86_400_000, revokeUnusedAfterMs: null });
    const effective = exchangePatPolicy(
      deployment,
      app({ maxLifetimeSeconds: 30 * 86400, revokeUnusedAfterSeconds: 7 * 86400 }),
      resource({ maxLifetimeSeconds: 86400 }),
    );
    expect(effective.maxLifetimeMs).toBe(86_400_000);
    expect(effective.revokeUnusedAfterMs).toBe(7 * 86_400_000);
    expect(refusalDescription('too_old', effective)).toBe(
      'The personal access token is older than the maximum lifetime of 1 day the resource https://api.example.com allows; rotate it or create a new one.',
    );
    expect(refusalDescription('unused', effective)).toBe(
      'The personal access token was unused for longer than the 7 days the application "CI" (a1) allows; create a new one.',
    );
    expect(credentialRefusal(credential({ issuedAt: now - 86_400_000 }), now, effective)).toBe('too_old');
    expect(credentialRefusal(credential({ issuedAt: now - 86_399_999 }), now, effective)).toBeUndefined();
  });

  it('never loosens: a longer override leaves the deployment value, named as the deployment’s', () => {
    const deployment = policy({ maxLifetimeMs: 1000, revokeUnusedAfterMs: 2000, requireExpiry: true });
    const effective = exchangePatPolicy(
      deployment,
      app({ maxLifetimeSeconds: 86400, revokeUnusedAfterSeconds: 2, requireExpiry: false }),
      null,
    );
    expect(effective).toEqual(deployment);
    expect(refusalDescription('too_old', effective)).toContain('of 1 second this deployment allows');
  });

  it('requires an expiry where any source does; a PAT without one is refused, one with one is not', () => {
    const effective = effectivePatPolicy(noPolicy, [
      { label: 'application "CI" (a1)', override: null },
      { label: 'resource https://api.example.com', override: { requireExpiry: true } },
    ]);
    expect(effective.requireExpiry).toBe(true);
    expect(credentialRefusal(credential({ expiresAt: null }), now, effective)).toBe('no_expiry');
    expect(credentialRefusal(credential({ expiresAt: now + 1 }), now, effective)).toBeUndefined();
    expect(refusalDescription('no_expiry', effective)).toBe(
      'The personal access token never expires, and the resource https://api.example.com requires personal access tokens to expire; create one with expiresAt.',
    );
    // The deployment's own requirement bites existing PATs too.
    expect(credentialRefusal(credential(), now, policy({ requireExpiry: true }))).toBe('no_expiry');
    expect(refusalDescription('no_expiry', policy({ requireExpiry: true }))).toContain('this deployment requires');
  });

  it('the first of equally strict sources is named; the deployment wins a tie', () => {
    const both = exchangePatPolicy(noPolicy, app({ maxLifetimeSeconds: 60 }), resource({ maxLifetimeSeconds: 60 }));
    expect(both.origin).toEqual({ maxLifetimeMs: 'application "CI" (a1)' });
    const tie = exchangePatPolicy(policy({ maxLifetimeMs: 60_000 }), app({ maxLifetimeSeconds: 60 }), null);
    expect(tie.origin).toBeUndefined();
  });

  it('stores an empty override as none', () => {
    expect(normalizeOverride({})).toBeNull();
    expect(normalizeOverride(undefined)).toBeNull();
    expect(normalizeOverride({ requireExpiry: false })).toEqual({ requireExpiry: false });
  });
});
