import type { Route } from '../../lambdas/routes';
import { decodeUriComponentSafely } from './uri';

export interface RouteMatch {
  route: Route;
  /**
   * Values still percent-encoded, as sent: API Gateway REST APIs match on decoded segments but pass parameters
   * undecoded (HTTP APIs decode them). `null` when the resource has no parameters, as in the proxy event.
   */
  pathParameters: Record<string, string> | null;
}

export interface Router {
  match(method: string, rawPath: string): RouteMatch | undefined;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'parameter'; name: string };

interface Resource {
  segments: Segment[];
  methods: Map<string, Route>;
}

/**
 * Routes like an API Gateway REST API: the most specific resource is chosen from the path alone (a literal
 * segment beats a `{param}` at the first position where they differ), and only then is the method looked up.
 * So `DELETE …/personal-access-tokens/delete` lands on the `…/delete` resource, which has no DELETE method,
 * rather than on `…/{name}`.
 */
export function createRouter(routes: readonly Route[]): Router {
  const resources = groupIntoResources(routes).sort((left, right) => compareSpecificity(left.segments, right.segments));

  return {
    match(method, rawPath) {
      // Split before decoding, so that an encoded `%2F` stays inside its segment.
      const segments = rawPath.split('/').slice(1);
      for (const resource of resources) {
        const pathParameters = matchSegments(resource.segments, segments);
        if (pathParameters === undefined) continue;
        const route = resource.methods.get(method);
        return route && { route, pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null };
      }
      return undefined;
    },
  };
}

function groupIntoResources(routes: readonly Route[]): Resource[] {
  const byPath = new Map<string, Resource>();
  for (const route of routes) {
    const resource = byPath.get(route.path) ?? { segments: parseTemplate(route.path), methods: new Map() };
    if (resource.methods.has(route.method)) throw new Error(`Duplicate route: ${route.method} ${route.path}`);
    resource.methods.set(route.method, route);
    byPath.set(route.path, resource);
  }
  return [...byPath.values()];
}

function parseTemplate(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((segment) => {
      if (segment.includes('+}')) throw new Error(`Greedy path parameters are not supported: ${path}`);
      const parameter = /^\{(.+)\}$/.exec(segment);
      return parameter ? { kind: 'parameter', name: parameter[1]! } : { kind: 'literal', value: segment };
    });
}

function compareSpecificity(left: Segment[], right: Segment[]): number {
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const leftKind = left[index]!.kind;
    const rightKind = right[index]!.kind;
    if (leftKind !== rightKind) return leftKind === 'literal' ? -1 : 1;
  }
  return 0;
}

function matchSegments(template: Segment[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = segments[index]!;
    if (part.kind === 'literal') {
      if (decodeUriComponentSafely(segment) !== part.value) return undefined;
    } else {
      if (segment === '') return undefined;
      parameters[part.name] = segment;
    }
  }
  return parameters;
}
