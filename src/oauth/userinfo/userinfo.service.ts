import { Injectable } from '@nestjs/common';
import { InsufficientScope } from '../../platform/errors/protocol-error';
import { BearerTokenAuthenticator } from '../../tokens/grants/grant-bearer.authenticator';
import { OPENID_SCOPE, hasScope } from '../../tokens/scopes';
import type { UserInfoResponseDto } from './userinfo-response.dto';

/** OpenID Connect Core §5.3: the claims about the user that the access token's scopes allow. */
@Injectable()
export class UserInfoService {
  constructor(private readonly bearer: BearerTokenAuthenticator) {}

  async userInfo(authorization: string | undefined): Promise<UserInfoResponseDto> {
    const token = await this.bearer.authenticate(authorization);
    // Core §5.3.1: the access token must come from an OpenID Connect request.
    if (!hasScope(token.scope, OPENID_SCOPE)) {
      throw new InsufficientScope('The access token was not issued for the openid scope', 'openid');
    }
    const info: UserInfoResponseDto = { sub: token.sub };
    // Core §5.4 `profile`: the only profile claim kept is a password user's login name, which is
    // the sub. A wallet user's sub is the CAIP-10 account itself, and it has no other name.
    if (hasScope(token.scope, 'profile') && token.auth_method === 'password') {
      info.preferred_username = token.sub;
    }
    return info;
  }
}
