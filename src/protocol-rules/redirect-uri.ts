/**
 * What a redirect URI must look like to be registered (RFC 9700 §2.1 and §4.1.3, RFC 8252 §7,
 * §8.3). Redirect URIs are then compared as exact strings, so each one is also required to be
 * in the form URL parsing gives back: the URI a request must name is the URI redirected to.
 */

import { isIP } from 'node:net';
import { nonPublicAddressReason } from '../platform/http/outbound/address-class';
import { parseAbsoluteUri } from './uri-syntax';

/** `http:` is allowed only on these hosts (exact, lower case, no other spelling). */
const HTTP_LOOPBACK = /^http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost)(?::\d+)?(?:[/?]|$)/;
/** RFC 8252 §7.1: a private-use scheme is a reverse domain name, e.g. `com.example.app`. */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+:/;
/**
 * A private-use scheme's first label must not be a URL scheme a browser or OS gives a meaning
 * of its own: `javascript.x:` is no reverse domain name (RFC 8252 §7.1), and a consent screen,
 * log or client that shows or parses it by its first label would see `javascript`. The WHATWG
 * special schemes, the fetch "local" schemes and the script ones (no TLD is any of these).
 */
const URL_SCHEMES = new Set([
  'about',
  'blob',
  'data',
  'file',
  'filesystem',
  'ftp',
  'http',
  'https',
  'jar',
  'javascript',
  'vbscript',
  'view-source',
  'ws',
  'wss',
]);
/**
 * A host name as URL parsing leaves it: LDH labels (RFC 1123 §2.1; an IDN is in its `xn--`
 * form). WHATWG URL parsing accepts `*`, `!`, `$`, `_`, `~` and more in a host: `*` reads as a
 * wildcard no one matches, and none of them belong in a host one redirects to.
 */
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
/** Cloud metadata services outside the link-local ranges: AWS over IPv6, Alibaba Cloud. */
const CLOUD_METADATA_ADDRESSES = new Set(['[fd00:ec2::254]', '100.100.100.200']);

/** Why `uri` cannot be registered as a redirect URI, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  const { url, problem } = parseAbsoluteUri(uri);
  if (problem !== undefined) return problem;
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
  } else if (url.protocol !== 'https:' && URL_SCHEMES.has(url.protocol.split('.')[0])) {
    return 'must not use a private-use scheme whose first label is a URL scheme (javascript., data., file., http. ...); use a reverse domain name such as com.example.app';
  }
  const hostProblem = redirectHostProblem(url.hostname);
  if (hostProblem) return hostProblem;
  // Never echo the URI (refusals name the field, never its value): describe the normal form.
  if (url.href !== uri) {
    return 'must be written in normalised form, as URL parsing gives it back (lower-case scheme and host, "/" for an empty path, no default port, no dot segments)';
  }
  return undefined;
}

function redirectHostProblem(hostname: string): string | undefined {
  if (hostname === '') return undefined;
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare) !== 0) {
    // A browser sent there by a redirect reaches the user's own network, not ours; still, no
    // client has a reason to register the address of a cloud metadata service.
    const reason = nonPublicAddressReason(hostname);
    if (reason?.endsWith('link-local') || CLOUD_METADATA_ADDRESSES.has(hostname)) {
      return 'must not name a link-local or cloud metadata address (169.254.0.0/16, fe80::/10)';
    }
    return undefined;
  }
  if (!HOST_NAME.test(hostname)) {
    return 'must name a host of letters, digits, "-" and "." only (no wildcard such as "*")';
  }
  return undefined;
}

/**
 * OpenID Connect Registration §2 / RFC 7591 §2 `application_type`: a `web` client is served
 * from a web server and receives its codes over https; a `native` app receives them on the
 * device, at a loopback interface or under a private-use scheme (RFC 8252 §7.1, §7.3), or at a
 * claimed https URL (§7.2).
 */
export const APPLICATION_TYPES = ['web', 'native'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** Whether `uri` is received on the device: loopback http or a private-use scheme. */
function isOnDevice(uri: string): boolean {
  return HTTP_LOOPBACK.test(uri) || (!/^https?:/.test(uri) && PRIVATE_USE_SCHEME.test(uri));
}

/**
 * The application type of a client that did not say. OpenID Connect Registration §2 defaults to
 * `web`; a client with a redirect URI on the device (as MCP clients register, without the field:
 * the SDK's CLI clients on loopback alone, editors on loopback beside a claimed https URL, RFC
 * 8252 §7.2) can only be a native app, since no web server receives there, and RFC 7591 §3.2.1
 * lets the server return the value it chose. So such a client is `native`, and is told so.
 */
export function inferredApplicationType(redirectUris: readonly string[]): ApplicationType {
  return redirectUris.some(isOnDevice) ? 'native' : 'web';
}

/**
 * Why a client of `applicationType` cannot register `uri` (already a valid redirect URI), or
 * undefined when it can. A web client gets https only, and plain http on a loopback host only
 * where `loopbackHttpForWeb` (outside production: a developer's web app on localhost).
 */
export function applicationTypeProblem(
  uri: string,
  applicationType: ApplicationType,
  loopbackHttpForWeb: boolean,
): string | undefined {
  if (applicationType === 'native' || uri.startsWith('https:')) return undefined;
  if (HTTP_LOOPBACK.test(uri)) {
    return loopbackHttpForWeb
      ? undefined
      : 'is a loopback http URI, which only a native app receives: register application_type "native" (RFC 8252 §7.3)';
  }
  return 'uses a private-use scheme, which only a native app receives: register application_type "native" (RFC 8252 §7.1)';
}
