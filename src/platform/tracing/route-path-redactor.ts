/**
 * The request path a span may carry (`url.path`): for a route with path parameters, the route's
 * template (`/account/methods/:method`), never the values. A parameter can name a wallet address
 * or a passkey credential id (`DELETE /account/methods/wallet:eip155:1:0x…`), which identify a
 * person across every trace backend the spans reach. Paths of routes without parameters, and
 * paths that match no route, are kept as they are.
 */
export class RoutePathRedactor {
  private readonly routes: readonly { pattern: RegExp; template: string }[];

  constructor(templates: Iterable<string>) {
    // A static segment is more specific than a parameter: `/a/b` is matched before `/a/:x`.
    this.routes = [...new Set(templates)]
      .sort((a, b) => parameters(a) - parameters(b))
      .map((template) => ({ template, pattern: patternOf(template) }));
  }

  /** The path to record, and the route it matched (`http.route`), if one with parameters. */
  redact(path: string): { path: string; route?: string } {
    const route = this.routes.find(({ pattern }) => pattern.test(path));
    if (route === undefined || parameters(route.template) === 0) return { path };
    return { path: route.template, route: route.template };
  }
}

const parameters = (template: string) =>
  template.split('/').filter((segment) => segment.startsWith(':')).length;

/**
 * `/a/:b` → /^\/a\/[^/]+\/?$/i: routes ignore case and a trailing slash, as the router
 * is configured to (app.setup.ts).
 */
function patternOf(template: string): RegExp {
  const segments = template
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&'),
    );
  return new RegExp(`^${segments.join('/')}/?$`, 'i');
}
