/** The hosts a development or test server may be named on with plain http. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why `uri` cannot be a URL an operator names for the server to call (a trusted issuer's JWK Set,
 * an upstream identity provider's issuer and endpoints), if it cannot: an absolute https URL
 * without credentials or fragment (RFC 8414 §2: an issuer has neither a query nor a fragment, so
 * `query: false` refuses one too); plain http only on a loopback host and outside production (a
 * developer's or a test's local server; RFC 9700 §2.6: TLS everywhere else).
 */
export function operatorUrlProblem(
  uri: string,
  production: boolean,
  { query = true }: { query?: boolean } = {},
): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.hash !== '' || uri.includes('#')) return 'must not have a fragment';
  if (!query && url.search !== '') return 'must not have a query';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    return production
      ? 'must be https when NODE_ENV=production (http is for a loopback issuer in development)'
      : undefined;
  }
  return 'must be https (http only on 127.0.0.1, [::1] or localhost, outside production)';
}
