import { InvalidTarget } from '../../platform/errors/protocol-error';

/**
 * The resources a grant (or the code that opens it) authorized, the one its tokens are for by
 * default first: its `resources` when it has several, else its `resource`, else (from before
 * resources were kept) `fallback`, ACCESS_TOKEN_AUDIENCE.
 */
export function grantedResources(
  grant: { readonly resource?: string; readonly resources?: readonly string[] },
  fallback: string,
): readonly string[] {
  return grant.resources ?? [grant.resource ?? fallback];
}

/**
 * RFC 8707 §2.2 at /token: a token request may name one resource among those its grant
 * authorized (the code's, or the refresh-token family's), which its access token is then for
 * (one `aud` per token); naming none, it gets the first. Another is `invalid_target`.
 */
export function checkRequestedResource(
  authorized: readonly string[],
  requested: string | undefined,
): string {
  if (requested === undefined) return authorized[0];
  if (authorized.includes(requested)) return requested;
  throw new InvalidTarget('resource was not authorized by this grant');
}
