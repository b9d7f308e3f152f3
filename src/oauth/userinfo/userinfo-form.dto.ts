import { ApiPropertyOptional } from '@nestjs/swagger';
import { IgnoreUnknownParameters } from '../../platform/validation/validation.pipe';
import { EXAMPLE } from '../oauth.examples';
import { OptionalOAuthParam } from '../oauth-params';

/**
 * POST /userinfo's form body (OpenID Connect Core §5.3.1 with RFC 6750 §2.2): the access token
 * may come as the `access_token` parameter instead of the `Authorization` header, never both.
 * Other parameters are ignored.
 */
@IgnoreUnknownParameters()
export class UserInfoFormDto {
  @ApiPropertyOptional({
    description:
      'RFC 6750 §2.2: the bearer access token, when it is not in the Authorization header (a DPoP-bound token must come with its proof in the header)',
    example: EXAMPLE.accessToken,
  })
  @OptionalOAuthParam()
  access_token?: string;
}
