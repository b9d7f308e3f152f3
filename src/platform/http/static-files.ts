/** Where the pages' scripts and styles are served from (src/public). */
export const STATIC_PREFIX = '/static/';

/**
 * A request under /static/ that the file server refused as a client's mistake (a `..` or `//`
 * segment: @fastify/static's 403, a malformed escape: 400) is a path with no resource behind it:
 * 404 Not Found (RFC 9110 §15.5.5), the same answer as any other unknown path, never a 500 for an
 * error the filter does not know.
 */
export function refusedStaticPath(exception: unknown, path: string): boolean {
  if (!path.startsWith(STATIC_PREFIX)) return false;
  if (typeof exception !== 'object' || exception === null) return false;
  const { statusCode } = exception as { statusCode?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

/**
 * A script's Content-Type is `text/javascript`, the one RFC 9239 §6 makes standard (and the only
 * one HTML accepts without a warning); @fastify/send's table still says `application/javascript`.
 * Every other file of src/public (CSS) already gets its standard type.
 */
export function standardScriptType(
  reply: { header(name: string, value: string): unknown },
  path: string,
): void {
  if (path.endsWith('.js') || path.endsWith('.mjs')) {
    reply.header('content-type', 'text/javascript; charset=utf-8');
  }
}
