import { protectedResourceMetadata } from '@proofgate/resource-server';
import { DPOP_SIGNING_ALGS } from './dpop/dpop-algorithms';

/** What one of the issuer's own APIs says of itself beyond its resource. */
export interface OwnApi {
  /** Its resource indicator, the `aud` of its tokens. */
  readonly resource: string;
  readonly scopes: readonly string[];
  /** Its `resource_name`. */
  readonly name: string;
  /** Whether it takes DPoP-bound tokens only (absent: it takes both). */
  readonly dpopRequired?: boolean;
}

/**
 * RFC 9728 metadata of one of the issuer's own APIs (`/api`, the admin API, the stream API): the
 * package's document of an API it guards (header tokens only, RFC 6750 §2.1; DPoP-bound tokens
 * taken with their proof, RFC 9449 §7.1), its scopes, its name, and the issuer's keys, which
 * sign its tokens.
 */
export function ownApiMetadata(issuer: string, api: OwnApi) {
  return {
    ...protectedResourceMetadata({
      resource: api.resource,
      authorizationServers: [issuer],
      dpopSigningAlgs: DPOP_SIGNING_ALGS,
      ...(api.dpopRequired === undefined
        ? {}
        : { dpopBoundAccessTokensRequired: api.dpopRequired }),
    }),
    scopes_supported: [...api.scopes],
    resource_name: api.name,
    jwks_uri: `${issuer}/jwks.json`,
  };
}
