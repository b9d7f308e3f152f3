import { Injectable } from '@nestjs/common';
import { InsufficientScope } from '../../platform/errors/protocol-error';
import {
  BearerTokenAuthenticator,
  type PresentedToken,
} from '../../tokens/grants/grant-bearer.authenticator';
import { inDpopScheme } from '../../tokens/dpop/dpop.errors';
import { OPENID_SCOPE, hasScope } from '../../tokens/scopes';
import type { UserInfoResponseDto } from './userinfo-response.dto';

/** OpenID Connect Core §5.3: the claims about the user that the access token's scopes allow. */
@Injectable()
export class UserInfoService {
  constructor(private readonly bearer: BearerTokenAuthenticator) {}

  /** The claims, and the DPoP nonce to send with them (RFC 9449 §9), if one is due. */
  async userInfo(
    presented: PresentedToken,
  ): Promise<{ info: UserInfoResponseDto; dpopNonce?: string }> {
    const { claims: token, dpopNonce } = await this.bearer.authenticate(presented);
    // Core §5.3.1: the access token must come from an OpenID Connect request.
    if (!hasScope(token.scope, OPENID_SCOPE)) {
      const refusal = new InsufficientScope(
        'The access token was not issued for the openid scope',
        'openid',
      );
      // RFC 9449 §7.1: a bound token's refusal is a DPoP challenge.
      throw token.cnf === undefined ? refusal : inDpopScheme(refusal);
    }
    const info: UserInfoResponseDto = { sub: token.sub };
    // Core §5.4 `profile`: the only profile claim kept is a password user's login name, which is
    // the sub. A wallet user's sub is the CAIP-10 account itself, and it has no other name.
    if (hasScope(token.scope, 'profile') && token.auth_method === 'password') {
      info.preferred_username = token.sub;
    }
    return { info, ...(dpopNonce === undefined ? {} : { dpopNonce }) };
  }
}
