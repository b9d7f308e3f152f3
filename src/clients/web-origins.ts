/**
 * The web origins (RFC 6454) of a client's redirect URIs: where a browser-based client runs and
 * calls the token endpoint from (CORS). A private-use scheme (a native app) has the opaque origin
 * "null", never a CORS origin.
 */
export function webOriginsOf(redirectUris: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const uri of redirectUris) {
    const url = URL.canParse(uri) ? new URL(uri) : undefined;
    if (url?.protocol === 'https:' || url?.protocol === 'http:') origins.add(url.origin);
  }
  return [...origins];
}

/**
 * Whether an `Origin` header value is a serialised http(s) origin as a browser sends it: anything
 * else can match no client, so it is refused without a lookup.
 */
export function isWebOrigin(origin: string): boolean {
  if (origin.length > 2048 || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
}
