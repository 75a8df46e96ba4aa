/** Pure formatting and parsing for the page: dates, expiry, scopes. No DOM. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

export type ExpiryTone = 'never' | 'ok' | 'soon' | 'expired';

/** "expired", "expires in 30 days", … with a tone for styling; "soon" is within a week. */
export function describeExpiry(expiresAt: number | null, now: number): { text: string; tone: ExpiryTone } {
  if (expiresAt === null) return { text: 'never expires', tone: 'never' };
  const left = expiresAt - now;
  if (left <= 0) return { text: 'expired', tone: 'expired' };
  if (left < HOUR) return { text: 'expires in less than an hour', tone: 'soon' };
  if (left < DAY) return { text: `expires in ${plural(Math.round(left / HOUR), 'hour')}`, tone: 'soon' };
  const days = Math.round(left / DAY);
  return { text: `expires in ${plural(days, 'day')}`, tone: days <= 7 ? 'soon' : 'ok' };
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday", "3 months ago". */
export function timeAgo(at: number, now: number): string {
  const elapsed = Math.max(0, now - at);
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return relative.format(-Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return relative.format(-Math.floor(elapsed / HOUR), 'hour');
  if (elapsed < 30 * DAY) return relative.format(-Math.floor(elapsed / DAY), 'day');
  if (elapsed < 365 * DAY) return relative.format(-Math.floor(elapsed / (30 * DAY)), 'month');
  return relative.format(-Math.floor(elapsed / (365 * DAY)), 'year');
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (at: number) => dateTime.format(at);
export const formatDate = (at: number) => dateOnly.format(at);

export const expiryPresets = ['7', '30', '180', '365', 'never', 'date'] as const;
export type ExpiryPreset = (typeof expiryPresets)[number];

export const expiryPresetLabels: Record<ExpiryPreset, string> = {
  7: '7 days',
  30: '30 days',
  180: '180 days',
  365: '1 year',
  never: 'Never',
  date: 'On a date',
};

/**
 * The `expiresAt` (epoch ms, or null for never) a preset means. A date (`YYYY-MM-DD`, local time) means
 * the end of that day; it must be in the future.
 */
export function expiresAtFor(preset: ExpiryPreset, date: string, now: number): number | null {
  if (preset === 'never') return null;
  if (preset !== 'date') return now + Number(preset) * DAY;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError('Pick the date the token expires on.');
  const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999).getTime();
  if (end <= now) throw new RangeError('The expiry date must be in the future.');
  return end;
}

/** `YYYY-MM-DD` of a local date, for `<input type=date>`'s `min`. */
export function isoDate(at: number): string {
  const date = new Date(at);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Scopes typed by a person: separated by spaces or commas, duplicates dropped, order kept. */
export function parseScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Adds the scope to a space-separated list, or removes it when present. */
export function toggleScope(text: string, scope: string): string {
  const scopes = parseScopes(text);
  return (scopes.includes(scope) ? scopes.filter((each) => each !== scope) : [...scopes, scope]).join(' ');
}
