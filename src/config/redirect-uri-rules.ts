/**
 * What a redirect URI must look like to be registered (RFC 9700 §2.1 and §4.1.3, RFC 8252 §7,
 * §8.3). Redirect URIs are then compared as exact strings, so each one is also required to be
 * in the form URL parsing gives back: the URI a request must name is the URI redirected to.
 */

/** `http:` is allowed only on these hosts (exact, lower case, no other spelling). */
const HTTP_LOOPBACK = /^http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost)(?::\d+)?(?:[/?]|$)/;
/** RFC 8252 §7.1: a private-use scheme is a reverse domain name, e.g. `com.example.app`. */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+:/;

/** Why `uri` cannot be registered as a redirect URI, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  // RFC 6749 §3.1.2: never a fragment, not even an empty one.
  if (uri.includes('#')) return 'must not contain a fragment';
  if (/[\s\p{Cc}\\]/u.test(uri)) return 'must not contain whitespace, control characters or "\\"';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be absolute URIs';
  }
  if (url.username !== '' || url.password !== '' || /^[^:/?]+:\/\/[^/?]*@/.test(uri)) {
    return 'must not contain userinfo';
  }
  if (url.protocol === 'http:') {
    // RFC 9700 §2.1, RFC 8252 §8.3: plain http only where the traffic cannot leave the machine.
    if (!HTTP_LOOPBACK.test(uri)) {
      return 'may use http only on a loopback host (127.0.0.1, [::1] or localhost); use https';
    }
  } else if (url.protocol !== 'https:' && !PRIVATE_USE_SCHEME.test(uri)) {
    return 'must use https, http on a loopback host, or a reverse-domain private-use scheme such as com.example.app:/callback';
  }
  if (url.href !== uri) return `must be written in normalised form ("${url.href}")`;
  return undefined;
}
