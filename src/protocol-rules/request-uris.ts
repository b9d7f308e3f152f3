/**
 * OpenID Connect Core §6.2 and RFC 9101 §5.2: a request object passed by reference, at a
 * `request_uri` the client registered beforehand (Registration §2 `request_uris`; discovery says
 * `require_request_uri_registration: true`), however the client is registered. Never a
 * `urn:ietf:params:oauth:request_uri:` reference, which only POST /par issues (RFC 9126).
 */

/** Core §6.2: "The entire Request URI MUST NOT exceed 512 ASCII characters". */
export const MAX_REQUEST_URI_LENGTH = 512;
/** The most request_uris a client registers: a registration cannot park a list of hosts here. */
export const MAX_REQUEST_URIS = 10;

/**
 * What is wrong with a `request_uri` a client registers, or undefined: an absolute `https:` URL
 * (`http:` only with `allowHttp`: outside production, for a client's development server), at most
 * MAX_REQUEST_URI_LENGTH characters of printable ASCII, without userinfo. A fragment is allowed:
 * Core §6.2 lets it carry the base64url SHA-256 of the object, and it is never sent when fetching.
 */
export function requestUriProblem(
  uri: unknown,
  { allowHttp }: { allowHttp: boolean },
): string | undefined {
  if (typeof uri !== 'string') return 'must be a string';
  if (uri.length > MAX_REQUEST_URI_LENGTH) {
    return `must be at most ${MAX_REQUEST_URI_LENGTH} characters (OpenID Connect Core §6.2)`;
  }
  if (!/^[\x21-\x7e]+$/.test(uri)) return 'must be printable ASCII, without white space';
  if (!URL.canParse(uri)) return 'must be an absolute https URL';
  const url = new URL(uri);
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return allowHttp ? 'must be an https (or http) URL' : 'must be an https URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry userinfo (user@host)';
  return undefined;
}

/**
 * What is wrong with a registration's `request_uris`, or undefined: an array of at most
 * MAX_REQUEST_URIS values, each good by requestUriProblem (named by its index).
 */
export function requestUrisProblem(
  uris: unknown,
  options: { allowHttp: boolean },
): string | undefined {
  if (!Array.isArray(uris)) return 'request_uris must be an array of URLs';
  if (uris.length > MAX_REQUEST_URIS) {
    return `request_uris may name at most ${MAX_REQUEST_URIS} URLs`;
  }
  for (const [index, uri] of uris.entries()) {
    const problem = requestUriProblem(uri, options);
    if (problem) return `request_uris[${index}] ${problem}`;
  }
  return undefined;
}

/** `uri` without its fragment. */
function withoutFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash === -1 ? uri : uri.slice(0, hash);
}

/**
 * Whether `requestUri` is one of `registered`: the same URL, its fragment aside on either side.
 * Core §6.2: the fragment may carry a hash of the object, which changes with the object while the
 * registered URL stays; it only tells a server that caches objects that its copy is stale, and the
 * object is fetched without it. Proofgate caches none, so it neither needs nor checks it (nor could
 * it: the OpenID conformance suite registers a fragment hashed from random text, not the object).
 */
export function isRegisteredRequestUri(registered: readonly string[], requestUri: string): boolean {
  const wanted = withoutFragment(requestUri);
  return registered.some((uri) => withoutFragment(uri) === wanted);
}
