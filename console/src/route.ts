/** The page's views, addressed by the URL fragment so that Back, reload and links work. Pure: no DOM. */

export type Route =
  | { view: 'users'; userId?: string }
  | { view: 'roles'; roleId?: string }
  | { view: 'organizations'; organizationId?: string }
  | { view: 'applications' }
  | { view: 'resources'; resourceId?: string }
  | { view: 'audit' }
  | { view: 'try' };

export type View = Route['view'];

/** The views with a page per item (`#/roles/{roleId}`), and the name of the item's id. */
const ITEM_IDS = {
  users: 'userId',
  roles: 'roleId',
  organizations: 'organizationId',
  resources: 'resourceId',
} as const;
type ItemView = keyof typeof ITEM_IDS;
const isItemView = (view: string): view is ItemView => Object.hasOwn(ITEM_IDS, view);

export function parseRoute(hash: string): Route {
  const [view = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (view === 'applications' || view === 'audit' || view === 'try') return { view };
  // Anything else is the users list (or a user's page), as before there were other views with items.
  const itemView: ItemView = isItemView(view) ? view : 'users';
  const id = rest.length > 0 ? safeDecode(rest.join('/')) : undefined;
  return (id ? { view: itemView, [ITEM_IDS[itemView]]: id } : { view: itemView }) as Route;
}

export function hrefOf(route: Route): string {
  const id = isItemView(route.view) ? (route as Record<string, string | undefined>)[ITEM_IDS[route.view]] : undefined;
  return id ? `#/${route.view}/${encodeURIComponent(id)}` : `#/${route.view}`;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
