import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ServerConfig } from '../../config/sections/server.config';
import { SsfConfig } from '../../config/sections/ssf.config';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { METADATA_LIMITS } from '../../tokens/tokens.rate-limits';
import { DELIVERY_METHODS } from '../ssf-events';
import { SsfConfigurationDto } from './ssf-answers.dto';

/**
 * SSF 1.0 §7: the transmitter's configuration metadata, at `/.well-known/ssf-configuration`
 * (§7.2: the issuer has no path, so no suffix). Its endpoints are the issuer's `/ssf/...`; the
 * receivers authorize with OAuth 2.0 access tokens (RFC 6749) for `<ISSUER>/ssf`.
 */
@ApiTags('shared-signals')
@Controller('.well-known/ssf-configuration')
@RateLimit('open', ...METADATA_LIMITS)
export class SsfConfigurationController {
  constructor(
    private readonly server: ServerConfig,
    private readonly ssf: SsfConfig,
  ) {}

  @Get()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'SSF 1.0 §7.1 transmitter configuration metadata' })
  @ApiOkResponse({ type: SsfConfigurationDto })
  metadata(): SsfConfigurationDto {
    const issuer = this.server.issuer;
    return {
      spec_version: '1_0',
      issuer,
      jwks_uri: `${issuer}/jwks.json`,
      delivery_methods_supported: [...DELIVERY_METHODS],
      configuration_endpoint: `${issuer}/ssf/streams`,
      status_endpoint: `${issuer}/ssf/status`,
      add_subject_endpoint: `${issuer}/ssf/subjects/add`,
      remove_subject_endpoint: `${issuer}/ssf/subjects/remove`,
      verification_endpoint: `${issuer}/ssf/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: this.ssf.defaultSubjects,
    };
  }
}
