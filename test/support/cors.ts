import type { TestApp } from './test-app';

/**
 * A browser's CORS preflight (Fetch standard, "CORS-preflight request") for a POST to `path` from
 * `origin`, asking to send `headers`.
 */
export function preflight(t: TestApp, path: string, origin: string, headers = 'content-type') {
  return t
    .http()
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', headers);
}
