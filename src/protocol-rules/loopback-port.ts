/**
 * One URI on a loopback host equal to another but for its port: RFC 8252 §7.3's rule for a
 * native app's redirect URI ("MUST allow any port to be specified at the time of the request for
 * loopback IP redirect URIs"), and the same freedom for a developer's loopback resource server.
 *
 * Matched on the string, not parsed with URL: parsing normalises (host case, `127.1`,
 * `0x7f000001`, dot segments, an empty userinfo or fragment), and every normalisation would let
 * a different string match. Only `http:` (§7.3: loopback redirects are plain http; an `https:`
 * URI keeps exact matching), only the hosts named, exactly as written, and the rest (path and
 * query) equal to the character.
 */

/** The loopback IP literals of RFC 8252 §7.3 (`localhost` is NOT RECOMMENDED there, §8.3). */
export const LOOPBACK_IP_HOSTS: readonly string[] = ['127.0.0.1', '[::1]'];
/** Loopback hosts including the name `localhost`: for resources, which are only identifiers. */
export const LOOPBACK_HOSTS: readonly string[] = [...LOOPBACK_IP_HOSTS, 'localhost'];

const LOOPBACK_HTTP =
  /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::([1-9][0-9]{0,4}))?([/?][^#]*)?$/;

interface LoopbackUri {
  host: string;
  /** Everything after the port: path and query. */
  rest: string;
}

function loopbackUri(uri: string, hosts: readonly string[]): LoopbackUri | undefined {
  const match = LOOPBACK_HTTP.exec(uri);
  if (!match || !hosts.includes(match[1])) return undefined;
  if (match[2] !== undefined && Number(match[2]) > 65535) return undefined;
  return { host: match[1], rest: match[3] ?? '' };
}

/**
 * Whether `requested` is `registered` on another port (or the same): both `http:` URIs on the
 * same host of `hosts`, with or without a port, and the same path and query.
 */
export function isSameLoopbackUriOnAnyPort(
  registered: string,
  requested: string,
  hosts: readonly string[],
): boolean {
  const wanted = loopbackUri(requested, hosts);
  if (!wanted) return false;
  const known = loopbackUri(registered, hosts);
  return known !== undefined && known.host === wanted.host && known.rest === wanted.rest;
}

/** Whether `uri` is an `http:` URI on one of `hosts` (the port free), as `isSameLoopbackUriOnAnyPort` reads it. */
export function isLoopbackHttpUri(uri: string, hosts: readonly string[]): boolean {
  return loopbackUri(uri, hosts) !== undefined;
}

/**
 * `uri` with its port written as `<any port>`: how a refusal tells which loopback URIs are
 * allowed on any port.
 */
export function onAnyPort(uri: string): string {
  const match = LOOPBACK_HTTP.exec(uri);
  return match ? `http://${match[1]}:<any port>${match[3] ?? ''}` : uri;
}
