import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { DpopConfig } from '../config/sections/dpop.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { ServerConfig } from '../config/sections/server.config';
import { DPOP_SIGNING_ALGS } from '../tokens/dpop/dpop-algorithms';
import { RESOURCE_SCOPES } from '../tokens/scopes';
import { ProtectedResourceMetadataDto } from './protected-resource-metadata.dto';

const WELL_KNOWN = '.well-known/oauth-protected-resource';

/** RFC 9728 §3.1: the metadata URL of the resource at `<issuer>/api`, path-suffixed. */
export function protectedResourceMetadataUrl(issuer: string): string {
  return `${issuer}/${WELL_KNOWN}/api`;
}

/**
 * RFC 9728 metadata of Proofgate's own API (`/api`): which authorization server issues its
 * tokens and how to present them. Served at the path-suffixed URL §3.1 derives from the
 * resource, and at the bare well-known URL for clients that look only there.
 */
@ApiTags('api')
@Controller(WELL_KNOWN)
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
    return {
      resource: this.tokens.audience,
      authorization_servers: [issuer],
      // RFC 6750 §2.1 only: no form-body or query tokens.
      bearer_methods_supported: ['header'],
      // offline_access asks the authorization server for a refresh token: no scope of this API.
      scopes_supported: RESOURCE_SCOPES,
      jwks_uri: `${issuer}/jwks.json`,
      resource_name: 'Proofgate API',
      // RFC 9728 §2, RFC 9449 §7.1: DPoP-bound tokens are accepted (and, if so set, required).
      dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
      ...(this.dpop.requiredAtApi ? { dpop_bound_access_tokens_required: true } : {}),
    };
  }
}
