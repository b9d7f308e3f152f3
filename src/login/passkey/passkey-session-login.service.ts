import { Injectable } from '@nestjs/common';
import { passkeyMethodKey } from '../../accounts/account';
import {
  PasskeyAuthenticationService,
  passkeyAmr,
} from '../../passkeys/authentication/passkey-authentication.service';
import type { LoginExchange } from '../login-csrf';
import { PageSignIn } from '../page-sign-in';
import type { PageSignInResponseDto } from '../page-sign-in-response.dto';
import type { PasskeySessionLoginDto } from './passkey-session-login.dto';

/**
 * "Sign in with a passkey" on the login page (POST /login/passkey): the same verification as
 * POST /passkeys/authentication/verify, ending in a login session instead of tokens, so a pending
 * /authorize request completes with the passkey's account as `sub` (consent and return_to rules
 * unchanged). The session's `amr` says `pop` (`hwk` for a hardware-bound passkey), and `user` when
 * the user was verified; its `acr` is the passkey proof's (`phr`, `phrh` when hardware-bound).
 */
@Injectable()
export class PasskeySessionLoginService {
  constructor(
    private readonly passkeys: PasskeyAuthenticationService,
    private readonly signIn: PageSignIn,
  ) {}

  login(body: PasskeySessionLoginDto, http: LoginExchange): Promise<PageSignInResponseDto> {
    return this.signIn.complete(http, body, 'Passkey', async () => {
      const verified = await this.passkeys.verify(body.response);
      return {
        sub: verified.sub,
        authMethod: 'passkey',
        amr: passkeyAmr(verified),
        hardwareBound: verified.hardwareBound,
        methodKey: passkeyMethodKey(verified.credentialId),
      };
    });
  }
}
