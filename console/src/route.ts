/** The page's views, addressed by the URL fragment so that Back, reload and links work. */

export type Route =
  | { view: 'users'; userId?: string }
  | { view: 'applications' }
  | { view: 'resources' }
  | { view: 'audit' }
  | { view: 'try' };

export type View = Route['view'];

export function parseRoute(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  switch (view) {
    case 'applications':
    case 'resources':
    case 'audit':
    case 'try':
      return { view };
    default: {
      const userId = rest.length > 0 ? safeDecode(rest.join('/')) : undefined;
      return userId ? { view: 'users', userId } : { view: 'users' };
    }
  }
}

export function hrefOf(route: Route): string {
  return route.view === 'users' && route.userId ? `#/users/${encodeURIComponent(route.userId)}` : `#/${route.view}`;
}

export function routeTo(route: Route): void {
  location.hash = hrefOf(route);
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
