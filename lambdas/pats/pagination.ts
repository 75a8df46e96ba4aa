/** Logto's list conventions: page/page_size, `Total-Number` and `Link` headers, `%`-wildcard search. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiErrors } from '../shared/errors';
import { paginationSchema } from '../shared/management/schemas';

/**
 * Logto's koaPagination over a whole list: `page` ≥ 1 and `page_size` 1–100 (default 20), else 400
 * `guard.invalid_pagination`; the page with `Total-Number` and `Link` headers. `optional` is Logto's
 * `isOptional`: a request with neither `page` nor `page_size` gets the whole list, without those headers.
 */
export function pageOf<T>(
  event: APIGatewayProxyEvent,
  all: readonly T[],
  { optional = false }: { optional?: boolean } = {},
): { items: readonly T[]; headers?: Record<string, string> } {
  const query = event.queryStringParameters ?? {};
  if (optional && !query.page && !query.page_size) return { items: all };
  const result = paginationSchema.safeParse(query);
  if (!result.success) throw apiErrors.invalidPagination('page must be ≥ 1 and page_size 1–100.');
  return paginate(event, all, result.data.page, result.data.page_size);
}

/** The items matching the query parameter `name` (Logto's `search`, or `q` on its newer routes), if given. */
export function searched<T>(
  event: APIGatewayProxyEvent,
  name: 'search' | 'q',
  all: readonly T[],
  fields: (item: T) => readonly (string | null)[],
): readonly T[] {
  const search = event.queryStringParameters?.[name];
  return search === undefined ? all : all.filter((item) => matchesSearch(search, fields(item)));
}

export function paginate<T>(event: APIGatewayProxyEvent, all: readonly T[], page: number, pageSize: number) {
  const lastPage = Math.max(1, Math.ceil(all.length / pageSize));
  const link = (target: number, rel: string) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
      if (value !== undefined) query.set(key, value);
    }
    query.set('page', String(target));
    query.set('page_size', String(pageSize));
    return `<${event.path}?${query}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(Math.min(page - 1, lastPage), 'prev'));
  if (page < lastPage) links.push(link(page + 1, 'next'));
  links.push(link(lastPage, 'last'));
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    headers: { 'Total-Number': String(all.length), Link: links.join(', ') },
  };
}

/**
 * Logto's `search`: an SQL LIKE pattern, case-insensitive (`%` any run, `_` one character), matched
 * against each field. A pattern without `%` matches anywhere in a field, as `%pattern%` would.
 */
export function matchesSearch(search: string, fields: readonly (string | null)[]): boolean {
  const pattern = search.includes('%') ? search : `%${search}%`;
  const regex = new RegExp(
    `^${[...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`,
    'isu',
  );
  return fields.some((field) => field !== null && regex.test(field));
}
