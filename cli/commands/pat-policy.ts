/** The PAT policy override options of `applications` and `resources` (applied at the exchange, only tightening). */
import { Option, type Command } from 'commander';
import type { PatPolicyOverride } from '../../client/types';
import { formatDuration } from '../output';
import { parseDuration } from '../parse';

export interface PatPolicyOptions {
  patRequireExpiry?: boolean;
  patMaxLifetime?: number;
  patRevokeUnusedAfter?: number;
  patPolicy?: boolean;
}

export function addPatPolicyOptions(command: Command, { clearable }: { clearable: boolean }): Command {
  command
    .option('--pat-require-expiry', 'refuse exchanges of PATs that never expire')
    .addOption(
      new Option('--pat-max-lifetime <duration>', 'refuse PATs whose value is older (90d, 12h…)').argParser(
        parseDuration,
      ),
    )
    .addOption(
      new Option('--pat-revoke-unused-after <duration>', 'refuse PATs unused for longer (30d…)').argParser(
        parseDuration,
      ),
    );
  if (clearable) {
    command
      .option('--no-pat-require-expiry', 'drop the expiry requirement of this override')
      .option('--no-pat-policy', 'remove the PAT policy override');
  }
  return command;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 1000));

/**
 * The override the options ask for, on top of `current` (given options replace those rules, the others stay);
 * undefined when no option was given, null to remove it.
 */
export function patPolicyFrom(
  options: PatPolicyOptions,
  current: PatPolicyOverride | null = null,
): PatPolicyOverride | null | undefined {
  if (options.patPolicy === false) return null;
  const given: PatPolicyOverride = {
    ...(options.patRequireExpiry === undefined ? {} : { requireExpiry: options.patRequireExpiry }),
    ...(options.patMaxLifetime === undefined ? {} : { maxLifetimeSeconds: seconds(options.patMaxLifetime) }),
    ...(options.patRevokeUnusedAfter === undefined
      ? {}
      : { revokeUnusedAfterSeconds: seconds(options.patRevokeUnusedAfter) }),
  };
  if (Object.keys(given).length === 0) return undefined;
  return { ...current, ...given };
}

export function describePatPolicy(override: PatPolicyOverride | null | undefined): string {
  if (!override) return "the deployment's";
  const rules = [
    ...(override.requireExpiry ? ['expiry required'] : []),
    ...(override.maxLifetimeSeconds === undefined
      ? []
      : [`max lifetime ${formatDuration(override.maxLifetimeSeconds)}`]),
    ...(override.revokeUnusedAfterSeconds === undefined
      ? []
      : [`unused for ${formatDuration(override.revokeUnusedAfterSeconds)} at most`]),
  ];
  return rules.length === 0 ? "the deployment's" : `${rules.join(', ')} (within the deployment's)`;
}
