/**
 * The route table (lambdas/routes.ts) and the local gateway's router (local/gateway/router.ts), which
 * resolves a raw path the way an API Gateway REST API does. Over HTTP, test/gateway.test.ts covers the rest.
 */
import { findRoute, handlerNames, routes, type Route } from '../../lambdas/routes';
import { createRouter } from '../../local/gateway/router';

/** A concrete path for a route template: each `{param}` replaced by a value derived from its name. */
function concretePath(route: Route, value = (name: string) => `${name}-value`): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => value(name));
}

const parameterNames = (route: Route) => [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);

describe('route table', () => {
  it('names each (method, path) and each operation once', () => {
    expect(new Set(routes.map((route) => `${route.method} ${route.path}`)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => route.operation)).size).toBe(routes.length);
  });

  it('gives every handler a route, and puts the management API, and only it, behind IAM', () => {
    expect([...handlerNames].sort()).toEqual([...new Set(routes.map((route) => route.handler))].sort());
    for (const route of routes) expect(route.auth).toBe(route.path.startsWith('/api/') ? 'iam' : 'none');
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'findRoute finds %s from the method and resource API Gateway reports',
    (_, route) => {
      expect(findRoute(route.method, route.path)).toBe(route);
    },
  );

  it('findRoute finds nothing for an unknown method or a concrete path', () => {
    expect(findRoute('PUT', '/oidc/token')).toBeUndefined();
    expect(findRoute('GET', '/api/applications/abc')).toBeUndefined();
    expect(findRoute('get', '/oidc/jwks')).toBeUndefined();
  });
});

describe('router over the real route table', () => {
  const router = createRouter(routes);

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'routes a concrete %s to that route with its path parameters',
    (_, route) => {
      const names = parameterNames(route);
      const match = router.match(route.method, concretePath(route));
      expect(match?.route).toBe(route);
      expect(match?.pathParameters).toEqual(
        names.length === 0 ? null : Object.fromEntries(names.map((name) => [name, `${name}-value`])),
      );
    },
  );

  it('prefers a literal segment to a parameter, then looks up the method on that resource only', () => {
    const pats = '/api/users/alice/personal-access-tokens';
    expect(router.match('POST', `${pats}/delete`)?.route.operation).toBe('deletePersonalAccessToken');
    // `…/delete` is a resource of its own: DELETE there is not `DELETE …/{name}` with name "delete".
    expect(router.match('DELETE', `${pats}/delete`)).toBeUndefined();
    expect(router.match('DELETE', `${pats}/nightly`)?.route.operation).toBe('deletePersonalAccessTokenByPath');
  });
});

describe('router matching rules', () => {
  const table: Route[] = [
    { method: 'GET', path: '/items/{id}', handler: 'admin', auth: 'none', operation: 'getItem' },
    { method: 'GET', path: '/items/special', handler: 'admin', auth: 'none', operation: 'getSpecialItem' },
    { method: 'GET', path: '/items', handler: 'admin', auth: 'none', operation: 'listItems' },
  ];
  const router = createRouter(table);

  it('passes parameters undecoded and keeps an encoded slash inside its segment', () => {
    expect(router.match('GET', '/items/a%2Fb')).toEqual({ route: table[0], pathParameters: { id: 'a%2Fb' } });
    expect(router.match('GET', '/items/a/b')).toBeUndefined();
  });

  it('matches literal segments on their decoded form', () => {
    expect(router.match('GET', '/items/%73pecial')?.route.operation).toBe('getSpecialItem');
  });

  it('keeps a malformed escape as it is instead of failing', () => {
    expect(router.match('GET', '/items/%E0%A4%A')).toEqual({ route: table[0], pathParameters: { id: '%E0%A4%A' } });
  });

  it.each([['/items/'], ['/items/x/'], ['/item'], ['items'], ['/'], ['']])('matches nothing for %p', (path) => {
    expect(router.match('GET', path)).toBeUndefined();
  });

  it('is case-sensitive in methods and literal segments', () => {
    expect(router.match('get', '/items')).toBeUndefined();
    expect(router.match('GET', '/Items')).toBeUndefined();
  });

  it('refuses a table with a duplicate route or a greedy parameter', () => {
    expect(() => createRouter([table[0]!, { ...table[0]!, operation: 'other' }])).toThrow(
      'Duplicate route: GET /items/{id}',
    );
    expect(() => createRouter([{ ...table[0]!, path: '/files/{proxy+}' }])).toThrow(
      'Greedy path parameters are not supported',
    );
  });
});
