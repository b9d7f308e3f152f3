/**
 * What a client's OpenID Connect Back-Channel Logout 1.0 `backchannel_logout_uri` must look like
 * (§2.2): an absolute URL, query allowed, never a fragment; the server POSTs logout tokens to it.
 * https by default; with `allowPrivate` (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE, on outside production),
 * also plain http on a loopback host or a loopback or private IP literal (a client under
 * development, an RP on the operator's private network). A host name still needs https: whether it
 * resolves to a private address is not known at registration. Compared and fetched as written, so
 * it must be in normalised form.
 */

import { nonPublicAddressReason } from '../platform/http/outbound/address-class';
import { parseAbsoluteUri } from './uri-syntax';

/** RFC 7591 bounds a URI like a redirect URI (see CLIENT_METADATA_LIMITS). */
export const MAX_BACKCHANNEL_LOGOUT_URI_LENGTH = 2000;

/** Address classes a plain-http back-channel logout URI may name with `allowPrivate`. */
const PRIVATE_HTTP_HOSTS = new Set(['loopback', 'private', 'unique-local']);

/** Why `uri` cannot be registered as a back-channel logout URI, or undefined when it can. */
export function backchannelLogoutUriProblem(
  uri: string,
  { allowPrivate }: { allowPrivate: boolean },
): string | undefined {
  if (uri.length > MAX_BACKCHANNEL_LOGOUT_URI_LENGTH) {
    return `must be at most ${MAX_BACKCHANNEL_LOGOUT_URI_LENGTH} characters`;
  }
  const { url, problem } = parseAbsoluteUri(uri);
  if (problem !== undefined) return problem;
  if (url.username !== '' || url.password !== '' || /^[^:/?]+:\/\/[^/?]*@/.test(uri)) {
    return 'must not contain userinfo';
  }
  if (url.protocol === 'http:') {
    if (!allowPrivate) return 'must use https';
    if (!isPrivateHttpHost(url.hostname)) {
      return 'may use http only on a loopback host or a private IP address (127.0.0.1, [::1], localhost, 10.0.0.5, ...); use https';
    }
  } else if (url.protocol !== 'https:') {
    return allowPrivate
      ? 'must use https, or http on a loopback or private address'
      : 'must use https';
  }
  if (url.href !== uri) {
    return 'must be written in normalised form, as URL parsing gives it back (lower-case scheme and host, "/" for an empty path, no default port)';
  }
  return undefined;
}

function isPrivateHttpHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const reason = nonPublicAddressReason(hostname);
  return reason !== undefined && PRIVATE_HTTP_HOSTS.has(reason);
}
