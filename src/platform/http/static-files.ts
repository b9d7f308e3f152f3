import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the pages' scripts and styles are served from (src/public). */
export const STATIC_PREFIX = '/static/';

/** The files served under STATIC_PREFIX: src/public, or public/ beside a build's compiled files. */
export const PUBLIC_DIR = join(__dirname, '..', '..', 'public');

/**
 * The pages' files served from an installed package rather than PUBLIC_DIR, by their path under
 * STATIC_PREFIX: @simplewebauthn/browser's UMD bundle (global `SimpleWebAuthnBrowser`; its exports
 * map names only the CommonJS entry, `script/index.js`), which the CSP wants from this origin.
 */
const PACKAGE_FILES: ReadonlyMap<string, string> = new Map([
  [
    'vendor/simplewebauthn-browser.js',
    join(
      dirname(require.resolve('@simplewebauthn/browser')),
      '..',
      'dist',
      'bundle',
      'index.umd.min.js',
    ),
  ],
]);

/** The file a path under STATIC_PREFIX serves (which may not exist), or undefined for another path. */
export function staticFile(path: string): string | undefined {
  if (!path.startsWith(STATIC_PREFIX)) return undefined;
  const name = path.slice(STATIC_PREFIX.length);
  return PACKAGE_FILES.get(name) ?? join(PUBLIC_DIR, name);
}

/** How long a browser keeps a file asked for with its current `?v=`: a year, never revalidated. */
export const VERSIONED_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** How long a browser keeps a file asked for without `?v=` (a link from elsewhere): an hour. */
export const UNVERSIONED_MAX_AGE_SECONDS = 3600;

/** A version's length: characters of the base64url SHA-256 of the file (96 bits). */
export const VERSION_LENGTH = 16;

/** A file's version, the modification time and size it was computed for, and when they were. */
interface Fingerprint {
  readonly mtimeMs: number;
  readonly size: number;
  readonly version: string;
  /** When the file was last looked at (performance.now()). */
  checkedAt: number;
}

/** How long a version is taken as it is before the file is looked at again. */
const RECHECK_AFTER_MS = 1_000;

const fingerprints = new Map<string, Fingerprint>();

/**
 * The version of one of the files: VERSION_LENGTH characters of the base64url SHA-256 of its bytes, read
 * again only when its modification time or size changed (a file edited under `npm run
 * start:dev`), which is looked at once a second at most, not on every page; undefined when there
 * is no such file.
 */
export function assetVersion(file: string): string | undefined {
  const now = performance.now();
  const known = fingerprints.get(file);
  if (known !== undefined && now - known.checkedAt < RECHECK_AFTER_MS) return known.version;
  let stat;
  try {
    stat = statSync(file);
  } catch {
    fingerprints.delete(file);
    return undefined;
  }
  if (known?.mtimeMs === stat.mtimeMs && known.size === stat.size) {
    known.checkedAt = now;
    return known.version;
  }
  const version = createHash('sha256')
    .update(readFileSync(file))
    .digest('base64url')
    .slice(0, VERSION_LENGTH);
  fingerprints.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, version, checkedAt: now });
  return version;
}

/**
 * A page's link to one of the files, `/static/account.js?v=<version>`: a new release's script
 * or stylesheet is a new URL, so no browser runs the one it cached before the upgrade with the
 * new release's page, and the current one can be cached for good (`assetCaching`). A path that
 * is not one of the files is returned as it is.
 */
export function assetUrl(path: string): string {
  const file = staticFile(path);
  const version = file === undefined ? undefined : assetVersion(file);
  return version === undefined ? path : `${path}?v=${version}`;
}

/**
 * A file's Cache-Control by the version asked for: its current `?v=` is kept a year (immutable);
 * another one is revalidated on each use (`no-cache`: during a rolling upgrade, a page of one
 * release can ask an instance of the other for its file, and that answer must not be pinned
 * under the URL); none (a link from outside the pages) is kept UNVERSIONED_MAX_AGE_SECONDS.
 */
export function assetCacheControl(asked: unknown, file: string): string {
  if (asked === undefined) return `public, max-age=${UNVERSIONED_MAX_AGE_SECONDS}`;
  return asked === assetVersion(file) ? VERSIONED_CACHE_CONTROL : 'no-cache';
}

/** assetCacheControl as the file server's `setHeaders` applies it to a file of PUBLIC_DIR. */
export function assetCaching(
  reply: {
    readonly request: { readonly query: unknown };
    header(name: string, value: string): unknown;
  },
  file: string,
): void {
  const asked = (reply.request.query as { v?: unknown } | undefined)?.v;
  reply.header('cache-control', assetCacheControl(asked, file));
}

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
