const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Exact string match against a registered redirect URI (OAuth 2.1 §2.3.1), with one exception:
 * for an http loopback redirect the port may differ, since native apps bind an ephemeral port
 * (RFC 8252 §7.3).
 */
export function isRegisteredRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  let wanted: URL;
  try {
    wanted = new URL(requested);
  } catch {
    return false;
  }
  if (wanted.protocol !== 'http:' || !LOOPBACK_HOSTS.has(wanted.hostname)) return false;
  return registered.some((uri) => {
    const candidate = new URL(uri);
    return (
      candidate.protocol === 'http:' &&
      candidate.hostname === wanted.hostname &&
      candidate.pathname === wanted.pathname &&
      candidate.search === wanted.search &&
      wanted.username === '' &&
      wanted.password === '' &&
      wanted.hash === ''
    );
  });
}
