import type { OAuthClient } from './oauth-client';

/**
 * A loopback redirect of RFC 8252 §7.3: `http://`, an IP literal of the loopback interface, an
 * optional port, then the rest. Matched on the string, not parsed with URL: parsing normalises
 * (host case, `127.1`, `0x7f000001`, dot segments, an empty userinfo or fragment), and every
 * normalisation would let a different string match.
 */
const LOOPBACK_REDIRECT = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([1-9][0-9]{0,4}))?([/?][^#]*)?$/;

interface LoopbackRedirect {
  host: string;
  /** Everything after the port: path and query. */
  rest: string;
}

function loopbackRedirect(uri: string): LoopbackRedirect | undefined {
  const match = LOOPBACK_REDIRECT.exec(uri);
  if (!match || (match[2] !== undefined && Number(match[2]) > 65535)) return undefined;
  return { host: match[1], rest: match[3] ?? '' };
}

/**
 * RFC 9700 §4.1.3 (and OAuth 2.1 §2.3.1): a redirect URI is registered when it equals one of the
 * client's URIs as a string. The only exception, RFC 8252 §7.3: a native app (a public client)
 * registered with a loopback IP literal may use any port, since it listens on an ephemeral one.
 * Not `localhost` (§8.3: it may resolve elsewhere) and not a web client (a web server has a
 * fixed address): a client registered with `application_type` `native`, or, for clients that
 * never said (configured ones), a public client.
 */
export function isRegisteredRedirectUri(
  client: Pick<OAuthClient, 'type' | 'redirectUris' | 'applicationType'>,
  requested: string,
): boolean {
  if (client.redirectUris.includes(requested)) return true;
  const native = client.applicationType
    ? client.applicationType === 'native'
    : client.type === 'public';
  if (!native) return false;
  const wanted = loopbackRedirect(requested);
  if (!wanted) return false;
  return client.redirectUris.some((uri) => {
    const registered = loopbackRedirect(uri);
    return registered?.host === wanted.host && registered.rest === wanted.rest;
  });
}
