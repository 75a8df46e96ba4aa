/** Parsers for option values; commander reports their InvalidArgumentErrors as usage errors. */
import { InvalidArgumentError } from 'commander';

const durationUnits: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90d`, `12h`, `30m`, `45s` → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) {
    throw new InvalidArgumentError('Use a positive number followed by s, m, h or d, e.g. 90d.');
  }
  return Number(match[1]) * durationUnits[match[2]!]!;
}

/** An ISO 8601 date or date-time, or epoch milliseconds → epoch milliseconds. */
export function parseTime(value: string): number {
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError('Use an ISO 8601 date such as 2030-01-31 or epoch milliseconds.');
  return time;
}

export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('Use a positive whole number.');
  return Number(value);
}

/** Repeatable `--scope`; each value may also hold several scopes, space- or comma-separated. */
export function collectScopes(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}
