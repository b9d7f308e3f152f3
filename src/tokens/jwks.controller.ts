import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { JwksResponseDto } from './jwks-response.dto';
import { SigningKeyService } from './signing-keys/signing-key.service';

/** RFC 7517 §5 JWK Set of the keys that verify this service's access tokens. */
@ApiTags('oauth')
@Controller()
export class JwksController {
  constructor(private readonly signingKeys: SigningKeyService) {}

  @ApiOperation({ summary: 'Public signing keys (active, and retired until their tokens expire)' })
  @ApiOkResponse({ type: JwksResponseDto })
  @Get('jwks.json')
  // Resource servers may cache it; jose's remote JWK set re-fetches on an unknown kid anyway.
  @Header('Cache-Control', 'public, max-age=300')
  async jwks(): Promise<JwksResponseDto> {
    return { keys: await this.signingKeys.publishedJwks() };
  }
}
