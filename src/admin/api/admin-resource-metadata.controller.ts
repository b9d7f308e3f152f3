import { Controller, Get, Header } from '@nestjs/common';
import { ownApiMetadata } from '../../tokens/own-api-metadata';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServerConfig } from '../../config/sections/server.config';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { RESOURCE_METADATA_PREFIX } from '../../protocol-rules/resource-metadata';
import { ADMIN_API_PATH, ADMIN_SCOPES, adminApiAudience } from '../../protocol-rules/admin-scopes';
import { METADATA_LIMITS } from '../../tokens/tokens.rate-limits';
import { AdminResourceMetadataDto } from './admin-resource-metadata.dto';

/**
 * RFC 9728 metadata of the admin API (`<ISSUER>/admin/v1`): the audience its tokens carry, which
 * authorization server issues them and the admin scopes, so that a client or tool that knows only
 * the API's URL can ask for a token it takes. Every refusal of the API names this document in its
 * challenge (`resource_metadata`, §5.1; AdminApiGuard). Served whenever the API is: the admin API
 * has no switch (an admin client is made at any time, by `proofgate-admin clients add`).
 */
@ApiTags('admin')
@Controller(RESOURCE_METADATA_PREFIX)
@RateLimit('open', ...METADATA_LIMITS)
export class AdminResourceMetadataController {
  constructor(private readonly server: ServerConfig) {}

  @Get(ADMIN_API_PATH.slice(1))
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'RFC 9728 protected resource metadata of /admin/v1' })
  @ApiOkResponse({ type: AdminResourceMetadataDto })
  metadata(): AdminResourceMetadataDto {
    const issuer = this.server.issuer;
    // Only a client the operator marked gets its scopes, by client_credentials (or the console).
    return ownApiMetadata(issuer, {
      resource: adminApiAudience(issuer),
      scopes: ADMIN_SCOPES,
      name: 'Proofgate admin API',
    });
  }
}
