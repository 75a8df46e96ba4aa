/**
 * Per-application and per-resource overrides of the deployment's PAT lifetime policy. A PAT isn't bound to
 * an application or a resource when it is created, so the creation-time rules (default lifetime, maximum
 * PATs per user) stay deployment-wide; at the exchange the client and the resource are known, so they may
 * demand more of the PAT: an expiry, a shorter maximum lifetime, a shorter unused period. An override only
 * tightens: the effective value is the stricter of the deployment's and every override's. Pure.
 */
import type { PatPolicy, PatPolicyOrigin } from './pat';

/** What an application or a resource may set (seconds, as the Management API takes them). */
export interface PatPolicyOverride {
  requireExpiry?: boolean;
  maxLifetimeSeconds?: number;
  revokeUnusedAfterSeconds?: number;
}

/** Longest duration an override may name: ten years. */
export const MAX_OVERRIDE_SECONDS = 10 * 365 * 86400;

/** An override with nothing in it is no override: stored and shown as null. */
export function normalizeOverride(override: PatPolicyOverride | null | undefined): PatPolicyOverride | null {
  if (!override) return null;
  const kept = Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
  return Object.keys(kept).length === 0 ? null : (kept as PatPolicyOverride);
}

/** Whose override it is, as refusals name it. */
export interface OverrideSource {
  /** e.g. `application "CI" (id)` or `resource https://api.example.com` */
  label: string;
  override: PatPolicyOverride | null | undefined;
}

export const applicationSource = (app: { id: string; name: string; patPolicy?: PatPolicyOverride | null }) => ({
  label: `application "${app.name}" (${app.id})`,
  override: app.patPolicy,
});

export const resourceSource = (resource: { indicator: string; patPolicy?: PatPolicyOverride | null }) => ({
  label: `resource ${resource.indicator}`,
  override: resource.patPolicy,
});

/** The stricter of two limits (null: none); `current` wins a tie, so the deployment is named when it is as strict. */
const stricter = (current: number | null, candidate: number | undefined) =>
  candidate !== undefined && (current === null || candidate * 1000 < current);

/** The policy an exchange applies: the deployment's, tightened by each source's override, with who set each rule. */
export function effectivePatPolicy(deployment: PatPolicy, sources: readonly OverrideSource[]): PatPolicy {
  const policy: PatPolicy = { ...deployment };
  const origin: PatPolicyOrigin = { ...deployment.origin };
  for (const { label, override } of sources) {
    if (!override) continue;
    if (override.requireExpiry && !policy.requireExpiry) {
      policy.requireExpiry = true;
      origin.requireExpiry = label;
    }
    if (stricter(policy.maxLifetimeMs, override.maxLifetimeSeconds)) {
      policy.maxLifetimeMs = override.maxLifetimeSeconds! * 1000;
      origin.maxLifetimeMs = label;
    }
    if (stricter(policy.revokeUnusedAfterMs, override.revokeUnusedAfterSeconds)) {
      policy.revokeUnusedAfterMs = override.revokeUnusedAfterSeconds! * 1000;
      origin.revokeUnusedAfterMs = label;
    }
  }
  return Object.keys(origin).length === 0 ? policy : { ...policy, origin };
}

/** The exchange's policy: the deployment's, the client application's and (with `resource`) the resource's. */
export function exchangePatPolicy(
  deployment: PatPolicy,
  application: { id: string; name: string; patPolicy?: PatPolicyOverride | null },
  resource: { indicator: string; patPolicy?: PatPolicyOverride | null } | null,
): PatPolicy {
  return effectivePatPolicy(deployment, [
    applicationSource(application),
    ...(resource ? [resourceSource(resource)] : []),
  ]);
}
