import { Injectable } from '@nestjs/common';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import { Clock } from '../../platform/clock/clock';
import {
  InsufficientScope,
  InsufficientUserAuthentication,
} from '../../platform/errors/protocol-error';
import { ACCOUNT_SCOPE, hasScope } from '../scopes';
import { BearerTokenAuthenticator, type PresentedToken } from './grant-bearer.authenticator';

/** Who may change an account: the bearer of an `account`-scoped token of a recent login. */
export interface AccountBearer {
  readonly sub: string;
  readonly clientId: string;
  /** When the bearer's user logged in. */
  readonly authTime: Date;
}

/**
 * Authenticates a request that changes the account itself (adding a passkey, linking a method):
 * a live access token (RFC 6750) with the `account` scope (else 403 insufficient_scope), whose
 * login (`auth_time`, RFC 9068 §2.2.1) is at most ACCOUNT_RECENT_LOGIN_SECONDS old (else RFC
 * 9470's 401 insufficient_user_authentication with `max_age`): a stolen long-lived session or
 * refresh token alone cannot add a way into the account.
 */
@Injectable()
export class AccountBearerAuthenticator {
  constructor(
    private readonly bearer: BearerTokenAuthenticator,
    private readonly clock: Clock,
    private readonly passkeys: PasskeyConfig,
  ) {}

  /**
   * `recentLogin: false` for what only reads the account (its list of methods): the scope is
   * still required, the login's age is not.
   */
  async authenticate(
    presented: PresentedToken,
    { recentLogin = true }: { recentLogin?: boolean } = {},
  ): Promise<AccountBearer> {
    const { claims } = await this.bearer.authenticate(presented);
    if (!hasScope(claims.scope, ACCOUNT_SCOPE)) {
      throw new InsufficientScope(
        `The access token lacks the ${ACCOUNT_SCOPE} scope, which changing the account requires`,
        ACCOUNT_SCOPE,
      );
    }
    const maxAge = this.passkeys.recentLoginSeconds;
    const age = this.clock.nowSeconds() - (claims.auth_time ?? Number.NEGATIVE_INFINITY);
    if (recentLogin && !(age <= maxAge)) {
      throw new InsufficientUserAuthentication(
        `Changing the account needs a login at most ${maxAge} seconds old; sign in again`,
        maxAge,
      ).because('login_not_recent');
    }
    return {
      sub: claims.sub,
      clientId: claims.client_id,
      authTime: new Date((claims.auth_time ?? 0) * 1000),
    };
  }
}
