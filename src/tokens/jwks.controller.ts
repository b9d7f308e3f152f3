import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { METADATA_LIMITS } from './tokens.rate-limits';
import { JwksResponseDto } from './jwks-response.dto';
import { JWKS_MAX_AGE_SECONDS, SigningKeyService } from './signing-keys/signing-key.service';

/** RFC 7517 §5 JWK Set of the keys that verify this service's tokens: one signing key per alg. */
@ApiTags('oauth')
@Controller()
export class JwksController {
  constructor(private readonly signingKeys: SigningKeyService) {}

  @ApiOperation({
    summary:
      'Public signing keys, of each alg (next, active, and retired until their tokens expire)',
  })
  @ApiOkResponse({ type: JwksResponseDto })
  @Get('jwks.json')
  @RateLimit('open', ...METADATA_LIMITS)
  // Resource servers may cache it; jose's remote JWK set re-fetches on an unknown kid anyway.
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  async jwks(): Promise<JwksResponseDto> {
    return { keys: await this.signingKeys.publishedJwks() };
  }
}
