/**
 * What every URI a client registers or names must be before its own rules apply (redirect URIs,
 * RFC 6749 §3.1.2; resource indicators, RFC 8707 §2): absolute, without a fragment (not even an
 * empty one), and without whitespace, control characters or backslashes, which URL parsing would
 * drop or rewrite, so that the string compared later is the string parsed now.
 */
export type ParsedUri = { url: URL; problem?: undefined } | { url?: undefined; problem: string };

export function parseAbsoluteUri(uri: string): ParsedUri {
  if (uri.includes('#')) return { problem: 'must not contain a fragment' };
  if (/[\s\p{Cc}\\]/u.test(uri)) {
    return { problem: 'must not contain whitespace, control characters or "\\"' };
  }
  try {
    return { url: new URL(uri) };
  } catch {
    return { problem: 'must be absolute URIs' };
  }
}
