/**
 * What a client's OpenID Connect Back-Channel Logout 1.0 `backchannel_logout_uri` must look like
 * (§2.2): an absolute URL, query allowed, never a fragment; the server POSTs logout tokens to it.
 * https only in production; outside it, also plain http on a loopback host (a client under
 * development). Compared and fetched as written, so it must be in normalised form.
 */

import { parseAbsoluteUri } from './uri-syntax';

const HTTP_LOOPBACK = /^http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost)(?::\d+)?(?:[/?]|$)/;

/** RFC 7591 bounds a URI like a redirect URI (see CLIENT_METADATA_LIMITS). */
export const MAX_BACKCHANNEL_LOGOUT_URI_LENGTH = 2000;

/** Why `uri` cannot be registered as a back-channel logout URI, or undefined when it can. */
export function backchannelLogoutUriProblem(uri: string, production: boolean): string | undefined {
  if (uri.length > MAX_BACKCHANNEL_LOGOUT_URI_LENGTH) {
    return `must be at most ${MAX_BACKCHANNEL_LOGOUT_URI_LENGTH} characters`;
  }
  const { url, problem } = parseAbsoluteUri(uri);
  if (problem !== undefined) return problem;
  if (url.username !== '' || url.password !== '' || /^[^:/?]+:\/\/[^/?]*@/.test(uri)) {
    return 'must not contain userinfo';
  }
  if (url.protocol === 'http:') {
    if (production) return 'must use https';
    if (!HTTP_LOOPBACK.test(uri)) {
      return 'may use http only on a loopback host (127.0.0.1, [::1] or localhost); use https';
    }
  } else if (url.protocol !== 'https:') {
    return production ? 'must use https' : 'must use https, or http on a loopback host';
  }
  if (url.href !== uri) {
    return 'must be written in normalised form, as URL parsing gives it back (lower-case scheme and host, "/" for an empty path, no default port)';
  }
  return undefined;
}
