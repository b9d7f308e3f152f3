import { Controller, Get, Header } from '@nestjs/common';
import { ownApiMetadata } from '../../tokens/own-api-metadata';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServerConfig } from '../../config/sections/server.config';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { RESOURCE_METADATA_PREFIX } from '../../protocol-rules/resource-metadata';
import { SSF_PATH, SSF_SCOPE, ssfAudience } from '../../protocol-rules/ssf';
import { METADATA_LIMITS } from '../../tokens/tokens.rate-limits';
import { SsfResourceMetadataDto } from './ssf-answers.dto';

/**
 * RFC 9728 metadata of the stream management API (`<ISSUER>/ssf`): which authorization server
 * issues its tokens and which scope they need. A receiver that discovers its scopes this way (the
 * CAEP Interoperability Profile's first choice) learns `ssf`; every refusal of `/ssf` names this
 * document in its challenge (`resource_metadata`, §5.1).
 */
@ApiTags('shared-signals')
@Controller(RESOURCE_METADATA_PREFIX)
@RateLimit('open', ...METADATA_LIMITS)
export class SsfResourceMetadataController {
  constructor(private readonly server: ServerConfig) {}

  @Get(SSF_PATH.slice(1))
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'RFC 9728 protected resource metadata of /ssf' })
  @ApiOkResponse({ type: SsfResourceMetadataDto })
  metadata(): SsfResourceMetadataDto {
    const issuer = this.server.issuer;
    // Its keys sign the SETs it transmits, and the tokens it accepts.
    return ownApiMetadata(issuer, {
      resource: ssfAudience(issuer),
      scopes: [SSF_SCOPE],
      name: 'Proofgate Shared Signals transmitter',
    });
  }
}
