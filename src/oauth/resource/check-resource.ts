import type { RegisteredClientResources } from '../../config/sections/oauth.config';
import { resourceProblem } from '../../protocol-rules/resource-indicator';
import { InvalidRequest, InvalidTarget } from '../../platform/errors/protocol-error';
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

/**
 * The most resources one authorization request may name. Each is checked (a self-registered
 * client's may each be looked up as a client ID metadata document, `ResourceClientIdCheck`),
 * then carried by the code, the grant and the remembered consent: bounded like any stored value.
 */
export const MAX_RESOURCES_PER_REQUEST = 10;

/**
 * RFC 8707 §2 at /authorize, `resource` repeated: every resource the authorization is for, each
 * checked by `checkAuthorizedResource`, in the order named and each once. The first is what the
 * access tokens are for when a token request names none (RFC 8707 §2.2: one `aud` per token);
 * none named is the default resource alone.
 */
export function checkAuthorizedResources(
  client: ResourceClient,
  requested: readonly string[] | undefined,
  policy: ResourcePolicy,
): string[] {
  if (requested === undefined || requested.length === 0) return [policy.defaultResource];
  const distinct = [...new Set(requested)];
  // RFC 6749 §5.2 invalid_request: "includes a parameter more than once", past what is allowed.
  if (distinct.length > MAX_RESOURCES_PER_REQUEST) {
    throw new InvalidRequest(
      `At most ${MAX_RESOURCES_PER_REQUEST} resource values may be named in one request`,
    );
  }
  return distinct.map((resource) => checkAuthorizedResource(client, resource, policy));
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
