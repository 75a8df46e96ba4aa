/** Pure helpers for the views' lists and pickers: paging, and what is left to add. No DOM. */

/** How many pages `total` items fill (one, when there are none: "Page 1 of 1"). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

/** "3 users", "1 event". */
export const countOf = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** One entry of a picker: what is sent (an id) and what is shown. */
export interface Choice {
  value: string;
  label: string;
}

/** Items not held yet (by id), by name, as choices. */
export function choicesOf<T extends { id: string; name: string }>(
  items: readonly T[],
  held: Iterable<string>,
): Choice[] {
  const taken = new Set(held);
  return items
    .filter((item) => !taken.has(item.id))
    .sort((left, right) => left.name.localeCompare(right.name))
    .map((item) => ({ value: item.id, label: item.name }));
}

/** Newest first. */
export const newestFirst = <T extends { createdAt: number }>(items: readonly T[]): T[] =>
  [...items].sort((left, right) => right.createdAt - left.createdAt);

/** By name. */
export const byName = <T extends { name: string }>(items: readonly T[]): T[] =>
  [...items].sort((left, right) => left.name.localeCompare(right.name));

/** An optional text field as the API takes it: blank is `null` (no description). */
export const optionalText = (text: string): string | null => text.trim() || null;
