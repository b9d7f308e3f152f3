import type { FastifyInstance } from 'fastify';

/** One route the application registered with its HTTP server. */
export interface RegisteredRoute {
  /** Lower case, as OpenAPI writes it: `get`, `post`… */
  method: string;
  /** As registered: `/challenge-models/:id`, `/passkeys/*`. */
  path: string;
}

/**
 * Records every route registered on `fastify` from now on (Fastify's `onRoute` hook: add it before
 * `app.init()`, where Nest registers its controllers). Fastify's own HEAD twin of each GET route
 * (`exposeHeadRoutes`) is left out: a GET route is listed once, as `get` (RFC 9110 §9.3.2: HEAD
 * answers as GET does, so it is no route of its own).
 */
export function recordRoutes(fastify: FastifyInstance): readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), path: route.url });
    }
  });
  return routes;
}

/**
 * Whether `route` answers `method path` as Fastify's router matches it here (src/app.setup.ts:
 * any case, with or without a trailing slash): `:name` one segment, `*` the rest.
 */
export function routeMatches(route: RegisteredRoute, method: string, path: string): boolean {
  if (route.method !== method.toLowerCase()) return false;
  const pattern = route.path
    .replace(/\/$/, '')
    .split(/(:\w+|\*)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${pattern}/?$`, 'i').test(path);
}
