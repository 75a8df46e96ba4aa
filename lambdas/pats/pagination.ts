/** Logto's list conventions: page/page_size, `Total-Number` and `Link` headers, `%`-wildcard search. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

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
