/**
 * RFC 8707 §2: a resource indicator is an absolute URI without a fragment. Resources are then
 * compared as exact strings (a token's `aud`), so each is also required in the form URL parsing
 * gives back, as redirect URIs are.
 */
export function resourceProblem(uri: string): string | undefined {
  if (uri.includes('#')) return 'must not contain a fragment';
  if (/[\s\p{Cc}\\]/u.test(uri)) return 'must not contain whitespace, control characters or "\\"';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be absolute URIs';
  }
  // `https://api.example.com` is as usual as its parsed form, which adds the `/` path.
  if (url.href !== uri && url.href !== `${uri}/`) {
    // Never echo the URI: say what the normal form looks like.
    return 'must be written in normalised form, as URL parsing gives it back';
  }
  return undefined;
}
