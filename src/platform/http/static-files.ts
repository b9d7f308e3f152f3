/** Where the pages' scripts and styles are served from (src/public). */
export const STATIC_PREFIX = '/static/';

/**
 * A request under /static/ that the file server refused as a client's mistake (a `..` or `//`
 * segment: @fastify/static's 403, a malformed escape: 400). Express's serve-static passed every
 * such refusal on (`fallthrough`) to the router, which had no route for it: a 404 there, so one
 * here too, never a 500 for an error the filter does not know.
 */
export function refusedStaticPath(exception: unknown, path: string): boolean {
  if (!path.startsWith(STATIC_PREFIX)) return false;
  if (typeof exception !== 'object' || exception === null) return false;
  const { statusCode } = exception as { statusCode?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

/**
 * The one Content-Type the two file servers name differently: a script. Express's `send` (through
 * mime-types 3) answers `text/javascript`, the type RFC 9239 §6 makes standard; @fastify/send's
 * table still says `application/javascript`. Every other file of src/public (CSS) gets the same
 * type from both.
 */
export function asExpressServesIt(
  reply: { header(name: string, value: string): unknown },
  path: string,
): void {
  if (path.endsWith('.js') || path.endsWith('.mjs')) {
    reply.header('content-type', 'text/javascript; charset=utf-8');
  }
}
