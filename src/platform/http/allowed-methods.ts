import type { FastifyInstance } from 'fastify';
import Router from 'find-my-way';

type Method = Router.HTTPMethod;

/** What the copy keeps of a route: whether it is a wildcard (`/static/*`), any path below it. */
interface RouteKind {
  readonly wildcard: boolean;
}

/** A copy of an app's routes, matched as its router matches them, and the methods they take. */
interface RouteCopy {
  readonly router: Router.Instance<Router.HTTPVersion.V1>;
  readonly methods: Set<Method>;
}

/** Each app's copy, by its Fastify instance (tests run several apps in a process). */
const copies = new WeakMap<object, RouteCopy>();

/** The order `Allow` lists methods in; any other follows, alphabetically. */
const METHOD_ORDER: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Copies every route `fastify` registers from now on (an `onRoute` hook: call it before the
 * routes are added, as `configureApp` does) into a router of the same options, which
 * `allowedMethods` asks. Fastify's own router answers only the request's method. The HEAD
 * route Fastify adds beside each GET is copied too. Route constraints (host, version) are not:
 * the service declares none.
 */
export function copyRoutes(fastify: FastifyInstance): void {
  const options = fastify.initialConfig.routerOptions ?? {};
  const copy: RouteCopy = {
    router: Router({
      caseSensitive: options.caseSensitive,
      ignoreTrailingSlash: options.ignoreTrailingSlash,
      ignoreDuplicateSlashes: options.ignoreDuplicateSlashes,
      maxParamLength: options.maxParamLength,
      allowUnsafeRegex: options.allowUnsafeRegex,
    }),
    methods: new Set(),
  };
  copies.set(fastify, copy);
  fastify.addHook('onRoute', (route) => {
    const kind: RouteKind = { wildcard: route.url.includes('*') };
    for (const method of [route.method].flat() as Method[]) {
      if (copy.router.hasRoute(method, route.url)) continue;
      copy.router.on(method, route.url, answersNothing, kind);
      copy.methods.add(method);
    }
  });
}

function answersNothing(): void {}

/**
 * The methods routes of `server` take at `path` (no query) when none takes `method`: what a 405's
 * `Allow` lists (RFC 9110 §15.5.6), in a fixed order. Empty when a route takes `method` (its own
 * handler found nothing: a 404) or when no route takes the path at all. A wildcard route does
 * not count: it would turn every unknown path below it into a 405.
 */
export function allowedMethods(server: object, method: string, path: string): readonly string[] {
  const copy = copies.get(server);
  if (copy === undefined) return [];
  const { router, methods } = copy;
  if (router.find(method as Method, path) !== null) return [];
  return [...methods]
    .filter(
      (other) => (router.find(other, path)?.store as RouteKind | undefined)?.wildcard === false,
    )
    .sort(byMethodOrder);
}

function byMethodOrder(a: string, b: string): number {
  const rank = (method: string) => {
    const index = METHOD_ORDER.indexOf(method);
    return index < 0 ? METHOD_ORDER.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}
