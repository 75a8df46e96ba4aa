/**
 * Limit/Marker pagination for the List* operations. Items are ordered by a stable sort key and the marker is
 * the sort key of the last item returned, so pages stay consistent when items are added or removed in between.
 */
import type { RequestBody } from './protocol';
import { optionalInteger, optionalString } from './request-fields';

export interface Page<T> {
  items: T[];
  truncated: boolean;
  /** Present only when truncated. */
  nextMarker: string | undefined;
}

export function paginate<T>(
  request: RequestBody,
  items: readonly T[],
  sortKey: (item: T) => string,
  limits: { defaultLimit: number; maxLimit: number },
): Page<T> {
  const limit = optionalInteger(request, 'Limit', { min: 1, max: limits.maxLimit }) ?? limits.defaultLimit;
  const marker = optionalString(request, 'Marker', { min: 1, max: 1024 });
  const remaining = items
    .map((item) => ({ item, key: sortKey(item) }))
    .filter(({ key }) => marker === undefined || key > marker)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = remaining.slice(0, limit);
  const truncated = remaining.length > limit;
  return {
    items: page.map(({ item }) => item),
    truncated,
    nextMarker: truncated ? page[page.length - 1]?.key : undefined,
  };
}
