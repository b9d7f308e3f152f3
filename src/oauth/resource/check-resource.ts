import type { RegisteredClientResources } from '../../config/sections/oauth.config';
import { resourceProblem } from '../../protocol-rules/resource-indicator';
import { InvalidTarget } from '../../platform/errors/protocol-error';
import { isSelfRegistered, type OAuthClient } from '../../clients/oauth-client';

export interface ResourcePolicy {
  /** ACCESS_TOKEN_AUDIENCE: every client may use it, and it is what no `resource` means. */
  readonly defaultResource: string;
  readonly registeredClients: RegisteredClientResources;
}

type ResourceClient = Pick<
  OAuthClient,
  'resources' | 'type' | 'dynamicallyRegisteredAt' | 'metadataDocument'
>;

/**
 * RFC 8707 §2 at /authorize: the resource the access tokens of this authorization are for.
 * Absent means the default resource (ACCESS_TOKEN_AUDIENCE), which every client may use; any
 * other must be an absolute URI without a fragment, and allowed for the client: configured in
 * its `resources`, or, for a client that registered itself (public or confidential: POST
 * /register or a metadata document), allowed by REGISTERED_CLIENT_RESOURCES (nobody configured
 * resources for it, and an MCP client learns its server's resource only at run time, RFC 9728).
 */
export function checkAuthorizedResource(
  client: ResourceClient,
  requested: string | undefined,
  policy: ResourcePolicy,
): string {
  if (requested === undefined || requested === policy.defaultResource) {
    return policy.defaultResource;
  }
  const problem = resourceProblem(requested);
  if (problem) throw new InvalidTarget(`resource ${problem.replace(/URIs$/, 'URI')}`);
  if (client.resources?.includes(requested)) return requested;
  if (isSelfRegistered(client)) {
    const refusal = registeredClientRefusal(new URL(requested), policy.registeredClients);
    if (refusal) throw new InvalidTarget(refusal);
    return requested;
  }
  throw new InvalidTarget('resource is not allowed for this client');
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function registeredClientRefusal(
  resource: URL,
  { policy, loopbackHttp }: RegisteredClientResources,
): string | undefined {
  if (policy === 'none') return 'resource is not allowed for this client';
  if (resource.protocol === 'https:') return undefined;
  if (loopbackHttp && resource.protocol === 'http:' && LOOPBACK_HOSTS.has(resource.hostname)) {
    return undefined;
  }
  return 'resource must be an https: URI for a registered client';
}
