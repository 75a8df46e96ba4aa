/** Human-readable rendering (tables, key-value records) and JSON for scripts. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Warnings go to stderr so that stdout stays parseable. */
export function warn(message: string): void {
  process.stderr.write(`Warning: ${message}\n`);
}

const width = (text: string) => [...text].length;
const pad = (text: string, to: number) => text + ' '.repeat(Math.max(0, to - width(text)));

export function printTable(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): void {
  if (rows.length === 0) return print(empty);
  const widths = headers.map((header, column) => Math.max(width(header), ...rows.map((row) => width(row[column]!))));
  const line = (cells: readonly string[]) => cells.map((cell, column) => pad(cell, widths[column]!)).join('  ');
  for (const row of [headers, ...rows]) print(line(row).trimEnd());
}

export function printRecord(fields: readonly (readonly [label: string, value: string])[]): void {
  const labelWidth = Math.max(...fields.map(([label]) => width(label)));
  for (const [label, value] of fields) print(`${pad(label, labelWidth)}  ${value}`);
}

/** `2030-01-02 03:04:05Z` */
export function formatTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

const units = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
] as const;

/** `1d 2h`, `59m 58s`, `12s`: the largest unit and the next one. */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  const amounts = units.map(([unit, size]) => {
    const amount = Math.floor(rest / size);
    rest %= size;
    return { amount, unit };
  });
  const first = amounts.findIndex(({ amount }) => amount > 0);
  if (first === -1) return '0s';
  return amounts
    .slice(first, first + 2)
    .filter(({ amount }) => amount > 0)
    .map(({ amount, unit }) => `${amount}${unit}`)
    .join(' ');
}

export const yesNo = (value: boolean) => (value ? 'yes' : 'no');
