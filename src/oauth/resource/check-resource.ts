import { resourceProblem } from '../../config/resource-indicator-rules';
import { InvalidTarget } from '../../platform/errors/protocol-error';
import type { OAuthClient } from '../../clients/oauth-client';

/**
 * RFC 8707 §2 at /authorize: the resource the access tokens of this authorization are for.
 * Absent means the default resource (ACCESS_TOKEN_AUDIENCE), which every client may use; any
 * other must be an absolute URI without a fragment, configured for the client.
 */
export function checkAuthorizedResource(
  client: Pick<OAuthClient, 'resources'>,
  requested: string | undefined,
  defaultResource: string,
): string {
  if (requested === undefined || requested === defaultResource) return defaultResource;
  const problem = resourceProblem(requested);
  if (problem) throw new InvalidTarget(`resource ${problem.replace(/URIs$/, 'URI')}`);
  if (!client.resources?.includes(requested)) {
    throw new InvalidTarget('resource is not allowed for this client');
  }
  return requested;
}
