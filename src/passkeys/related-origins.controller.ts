import { Controller, Get, Header } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProperty } from '@nestjs/swagger';
import { NotFound } from '../platform/errors/protocol-error';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { RelyingParty } from './relying-party';

/** WebAuthn Level 3 §5.11: the origins that may use this RP ID beside its own. */
export class RelatedOriginsDto {
  @ApiProperty({
    type: [String],
    description: 'WEBAUTHN_RELATED_ORIGINS, as configured',
    example: ['https://app.example.net', 'https://example.co.uk'],
  })
  origins!: readonly string[];
}

/**
 * Related Origin Requests: a browser asked for a passkey ceremony under this RP ID by a page of
 * another domain fetches `https://<rp id>/.well-known/webauthn` and lets the page go on only if
 * its origin is listed. Served here for deployments whose RP ID is the issuer's host; elsewhere
 * the host of the RP ID serves (or proxies) this document. Public and cacheable: it names
 * origins, nothing about an account.
 */
@ApiTags('passkeys')
@Controller('.well-known/webauthn')
export class RelatedOriginsController {
  constructor(private readonly relyingParty: RelyingParty) {}

  @Get()
  @ApiOperation({
    summary: 'Related origins of the passkeys’ RP ID (WebAuthn Related Origin Requests)',
  })
  @ApiOkResponse({ type: RelatedOriginsDto })
  @ApiNotFoundResponse({
    description: 'not_found: no WEBAUTHN_RELATED_ORIGINS are configured',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'public, max-age=3600')
  relatedOrigins(): RelatedOriginsDto {
    const origins = this.relyingParty.relatedOrigins();
    if (origins.length === 0) {
      throw new NotFound('This service lists no related origins for its passkeys');
    }
    return { origins };
  }
}
