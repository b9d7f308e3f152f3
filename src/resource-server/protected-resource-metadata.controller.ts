import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { ownApiMetadata } from '../tokens/own-api-metadata';
import { DpopConfig } from '../config/sections/dpop.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { ServerConfig } from '../config/sections/server.config';
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
    // offline_access asks the authorization server for a refresh token: no scope of this API.
    return ownApiMetadata(this.server.issuer, {
      resource: this.tokens.audience,
      scopes: RESOURCE_SCOPES,
      name: 'Proofgate API',
      dpopRequired: this.dpop.requiredAtApi,
    });
  }
}
