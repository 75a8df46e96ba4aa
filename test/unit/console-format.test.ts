/** The console page's pure formatting and parsing (console/src/format.ts). */
import { describeExpiry, expiresAtFor, isoDate, parseScopes, timeAgo, toggleScope } from '../../console/src/format';

const NOW = new Date(2026, 0, 15, 12, 0, 0).getTime();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('describeExpiry', () => {
  it.each([
    [null, 'never expires', 'never'],
    [NOW - 1, 'expired', 'expired'],
    [NOW, 'expired', 'expired'],
    [NOW + 10 * 60_000, 'expires in less than an hour', 'soon'],
    [NOW + HOUR, 'expires in 1 hour', 'soon'],
    [NOW + 5 * HOUR, 'expires in 5 hours', 'soon'],
    [NOW + DAY, 'expires in 1 day', 'soon'],
    [NOW + 7 * DAY, 'expires in 7 days', 'soon'],
    [NOW + 8 * DAY, 'expires in 8 days', 'ok'],
    // A token made with the 30-day preset a few seconds ago still says 30.
    [NOW + 30 * DAY - 5000, 'expires in 30 days', 'ok'],
  ])('%p → %s', (expiresAt, text, tone) => {
    expect(describeExpiry(expiresAt, NOW)).toEqual({ text, tone });
  });
});

describe('timeAgo', () => {
  it.each([
    [NOW - 5000, 'just now'],
    [NOW - 3 * 60_000, '3 minutes ago'],
    [NOW - 2 * HOUR, '2 hours ago'],
    [NOW - DAY, 'yesterday'],
    [NOW - 12 * DAY, '12 days ago'],
    [NOW - 65 * DAY, '2 months ago'],
    [NOW - 800 * DAY, '2 years ago'],
    [NOW + 1000, 'just now'],
  ])('%p → %s', (at, text) => {
    expect(timeAgo(at, NOW)).toBe(text);
  });
});

describe('expiresAtFor', () => {
  it('turns presets into epoch milliseconds from now, and "never" into null', () => {
    expect(expiresAtFor('7', '', NOW)).toBe(NOW + 7 * DAY);
    expect(expiresAtFor('365', '', NOW)).toBe(NOW + 365 * DAY);
    expect(expiresAtFor('never', '', NOW)).toBeNull();
  });

  it('takes a date to mean the end of that day, local time', () => {
    expect(expiresAtFor('date', '2026-02-01', NOW)).toBe(new Date(2026, 1, 1, 23, 59, 59, 999).getTime());
    expect(expiresAtFor('date', isoDate(NOW), NOW)).toBe(new Date(2026, 0, 15, 23, 59, 59, 999).getTime());
  });

  it('refuses a missing or past date', () => {
    expect(() => expiresAtFor('date', '', NOW)).toThrow('Pick the date the token expires on.');
    expect(() => expiresAtFor('date', '2026-01-14', NOW)).toThrow('The expiry date must be in the future.');
  });
});

describe('scopes typed by a person', () => {
  it('split on spaces and commas, without duplicates', () => {
    expect(parseScopes('  read:a, write:a\tread:a  ')).toEqual(['read:a', 'write:a']);
    expect(parseScopes('   ')).toEqual([]);
  });

  it('toggle in and out of a list', () => {
    expect(toggleScope('openid', 'email')).toBe('openid email');
    expect(toggleScope('openid email', 'openid')).toBe('email');
    expect(toggleScope('', 'openid')).toBe('openid');
  });
});
