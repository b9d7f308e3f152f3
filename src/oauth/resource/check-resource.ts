import type { OAuthConfig, RegisteredClientResources } from '../../config/sections/oauth.config';
import { LOOPBACK_HOSTS, isSameLoopbackUriOnAnyPort } from '../../protocol-rules/loopback-port';
import { resourceProblem } from '../../protocol-rules/resource-indicator';
import { InvalidRequest, InvalidTarget } from '../../platform/errors/protocol-error';
import { demoClientFix } from '../../clients/demo-client-fixes';
import { isSelfRegistered, type OAuthClient } from '../../clients/oauth-client';

export interface ResourcePolicy extends Pick<OAuthConfig, 'loopbackAnyPort' | 'demoClientIds'> {
  /** ACCESS_TOKEN_AUDIENCE: every client may use it, and it is what no `resource` means. */
  readonly defaultResource: string;
  readonly registeredClients: RegisteredClientResources;
}

/** The resource rules of this configuration, with ACCESS_TOKEN_AUDIENCE as the default resource. */
export function resourcePolicy(oauth: OAuthConfig, defaultResource: string): ResourcePolicy {
  return {
    defaultResource,
    registeredClients: oauth.registeredClientResources,
    loopbackAnyPort: oauth.loopbackAnyPort,
    demoClientIds: oauth.demoClientIds,
  };
}

type ResourceClient = Pick<
  OAuthClient,
  | 'clientId'
  | 'resources'
  | 'type'
  | 'applicationType'
  | 'redirectUris'
  | 'dynamicallyRegisteredAt'
  | 'metadataDocument'
>;

/**
 * RFC 8707 §2 at /authorize: the resource the access tokens of this authorization are for.
 * Absent means the default resource (ACCESS_TOKEN_AUDIENCE), which every client may use; any
 * other must be an absolute URI without a fragment, and allowed for the client: configured in
 * its `resources`, or, for a client that registered itself (public or confidential: POST
 * /register or a metadata document), allowed by REGISTERED_CLIENT_RESOURCES (nobody configured
 * resources for it, and an MCP client learns its server's resource only at run time, RFC 9728).
 * Outside production (`loopbackAnyPort`) a configured `http:` resource on a loopback host is also
 * allowed on another port of that host: a developer's resource server moves, its path does not.
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
  if (
    policy.loopbackAnyPort &&
    client.resources?.some((resource) =>
      isSameLoopbackUriOnAnyPort(resource, requested, LOOPBACK_HOSTS),
    )
  ) {
    return requested;
  }
  throw new InvalidTarget(
    `resource is not allowed for this client${demoClientFix(policy, client, 'resource')}`,
  );
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

function registeredClientRefusal(
  resource: URL,
  { policy, loopbackHttp }: RegisteredClientResources,
): string | undefined {
  if (policy === 'none') return 'resource is not allowed for this client';
  if (resource.protocol === 'https:') return undefined;
  if (loopbackHttp && resource.protocol === 'http:' && LOOPBACK_HOSTS.includes(resource.hostname)) {
    return undefined;
  }
  return 'resource must be an https: URI for a registered client';
}
