/** RFC 9449 §7.1: the asymmetric algorithms DPoP proofs may be signed with, by default. */
export const DEFAULT_DPOP_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] as const;

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * RFC 9728 §3.1: the metadata URL of a resource, the well-known path inserted between its host and
 * its path (`https://api.example.com/v1` -> `https://api.example.com/.well-known/oauth-protected-resource/v1`).
 */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${WELL_KNOWN}${path}`;
}

/** The path an API serves its RFC 9728 metadata at (the pathname of resourceMetadataUrl). */
export function resourceMetadataPath(resource: string): string {
  return new URL(resourceMetadataUrl(resource)).pathname;
}

export interface ProtectedResourceMetadataInput {
  /** The resource identifier: the `aud` of its tokens. */
  resource: string;
  /** The issuers whose tokens the resource accepts. */
  authorizationServers: readonly string[];
  scopesSupported?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
  /** Default: the DPoP algorithms accepted (RFC 9449 §7.1). */
  dpopSigningAlgs?: readonly string[];
  /** Only DPoP-bound tokens are accepted. */
  dpopBoundAccessTokensRequired?: boolean;
}

/** RFC 9728 §2: the protected resource metadata document. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: string[];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  dpop_signing_alg_values_supported: string[];
  dpop_bound_access_tokens_required?: boolean;
}

/**
 * RFC 9728 §2 metadata of a resource protected by this package: tokens in the Authorization header
 * only (RFC 6750 §2.1; no form-body or query tokens), the DPoP algorithms it verifies.
 */
export function protectedResourceMetadata(
  input: ProtectedResourceMetadataInput,
): ProtectedResourceMetadata {
  return {
    resource: input.resource,
    authorization_servers: [...input.authorizationServers],
    bearer_methods_supported: ['header'],
    ...(input.scopesSupported ? { scopes_supported: [...input.scopesSupported] } : {}),
    ...(input.resourceName ? { resource_name: input.resourceName } : {}),
    ...(input.resourceDocumentation ? { resource_documentation: input.resourceDocumentation } : {}),
    dpop_signing_alg_values_supported: [...(input.dpopSigningAlgs ?? DEFAULT_DPOP_ALGS)],
    ...(input.dpopBoundAccessTokensRequired ? { dpop_bound_access_tokens_required: true } : {}),
  };
}
