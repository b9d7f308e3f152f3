/**
 * RFC 7591 §2 (OpenID Connect Registration §2) `logo_uri`, `policy_uri` and `tos_uri`: pages of the
 * client's own that the consent screen shows, however the client is registered. Never fetched by
 * the server: the policy and terms are links the user may follow, the logo an image the browser
 * loads only from an origin the operator allowed (CONSENT_LOGO_ORIGINS).
 */

/** The metadata names, and the OAuthClient fields they are stored as. */
export const CLIENT_PAGE_URIS = {
  logo_uri: 'logoUri',
  policy_uri: 'policyUri',
  tos_uri: 'tosUri',
} as const;
export type ClientPageUriName = keyof typeof CLIENT_PAGE_URIS;
export type ClientPageUriField = (typeof CLIENT_PAGE_URIS)[ClientPageUriName];

/** Longest page URI kept: a registration cannot park large data on the consent screen. */
export const MAX_CLIENT_PAGE_URI_LENGTH = 2000;

/**
 * What is wrong with a page URI, or undefined: an absolute `https:` URL (a page a user opens, or a
 * logo a page loads, over TLS only), at most MAX_CLIENT_PAGE_URI_LENGTH characters, without
 * userinfo (`https://bank.example@evil.example/` reads as another host), white space, control or
 * format characters (the URL is shown beside its link).
 */
export function clientPageUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return 'must be a string';
  if (uri.length > MAX_CLIENT_PAGE_URI_LENGTH) {
    return `must be at most ${MAX_CLIENT_PAGE_URI_LENGTH} characters`;
  }
  if (/[\s\p{Cc}\p{Cf}]/u.test(uri)) {
    return 'must not contain white space, control or format characters';
  }
  if (!URL.canParse(uri)) return 'must be an absolute https URL';
  const url = new URL(uri);
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.username !== '' || url.password !== '') return 'must not carry userinfo (user@host)';
  return undefined;
}
