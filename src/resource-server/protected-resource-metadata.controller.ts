import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { protectedResourceMetadata } from '@proofgate/resource-server';
import { DpopConfig } from '../config/sections/dpop.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { ServerConfig } from '../config/sections/server.config';
import { DPOP_SIGNING_ALGS } from '../tokens/dpop/dpop-algorithms';
import { RESOURCE_SCOPES } from '../tokens/scopes';
import { RESOURCE_METADATA_PREFIX, resourceMetadataUrl } from '../protocol-rules/resource-metadata';
import { ProtectedResourceMetadataDto } from './protected-resource-metadata.dto';

/** RFC 9728 §3.1: the metadata URL of the resource at `<issuer>/api`, path-suffixed. */
export function protectedResourceMetadataUrl(issuer: string): string {
  return resourceMetadataUrl(issuer, '/api');
}

/**
 * RFC 9728 metadata of Proofgate's own API (`/api`): which authorization server issues its
 * tokens and how to present them. Served at the path-suffixed URL §3.1 derives from the
 * resource, and at the bare well-known URL for clients that look only there.
 */
@ApiTags('api')
@Controller(RESOURCE_METADATA_PREFIX)
export class ProtectedResourceMetadataController {
  constructor(
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly dpop: DpopConfig,
  ) {}

  @Get(['', 'api'])
  @ApiOperation({ summary: 'RFC 9728 protected resource metadata of /api' })
  @ApiOkResponse({ type: ProtectedResourceMetadataDto })
  @Header('Cache-Control', 'public, max-age=300')
  metadata(): ProtectedResourceMetadataDto {
    const issuer = this.server.issuer;
    // The package's document of an API it guards (header tokens only, RFC 6750 §2.1).
    return {
      ...protectedResourceMetadata({
        resource: this.tokens.audience,
        authorizationServers: [issuer],
        // RFC 9728 §2, RFC 9449 §7.1: DPoP-bound tokens are accepted (and, if so set, required).
        dpopSigningAlgs: DPOP_SIGNING_ALGS,
        dpopBoundAccessTokensRequired: this.dpop.requiredAtApi,
      }),
      // offline_access asks the authorization server for a refresh token: no scope of this API.
      scopes_supported: RESOURCE_SCOPES,
      jwks_uri: `${issuer}/jwks.json`,
      resource_name: 'Proofgate API',
    };
  }
}
