import { parseAbsoluteUri } from './uri-syntax';

/**
 * RFC 8707 §2: a resource indicator is an absolute URI without a fragment. Resources are then
 * compared as exact strings (a token's `aud`), so each is also required in the form URL parsing
 * gives back, as redirect URIs are.
 */
export function resourceProblem(uri: string): string | undefined {
  const { url, problem } = parseAbsoluteUri(uri);
  if (problem !== undefined) return problem;
  // `https://api.example.com` is as usual as its parsed form, which adds the `/` path.
  if (url.href !== uri && url.href !== `${uri}/`) {
    // Never echo the URI: say what the normal form looks like.
    return 'must be written in normalised form, as URL parsing gives it back';
  }
  return undefined;
}
