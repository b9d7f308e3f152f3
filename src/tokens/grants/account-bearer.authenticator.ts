import { Injectable } from '@nestjs/common';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import { AccountService } from '../../accounts/account.service';
import {
  EMAIL_ALONE_REFUSAL,
  emailAloneMayNotChange,
  isEmailAlone,
} from '../../accounts/email-alone';
import { StepUpConfig } from '../../config/sections/step-up.config';
import { acrForAccountChange, meetsAcr } from '../../protocol-rules/acr';
import { DEVICE_CODE_GRANT_TYPE } from '../../protocol-rules/grant-types';
import { Clock } from '../../platform/clock/clock';
import {
  InsufficientScope,
  InsufficientUserAuthentication,
} from '../../platform/errors/protocol-error';
import { inTokenScheme } from '../dpop/dpop.errors';
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
 * a live access token (RFC 6750) of a sign-in here (a machine grant's token names no account)
 * with the `account` scope (else 403 insufficient_scope), whose
 * login (`auth_time`, RFC 9068 §2.2.1) is at most ACCOUNT_RECENT_LOGIN_SECONDS old (else RFC
 * 9470's 401 insufficient_user_authentication with `max_age`): a stolen long-lived session or
 * refresh token alone cannot add a way into the account. A DPoP-bound token is handled as at
 * `/api/me` (RFC 9449 §7): accepted as `DPoP <token>` with a proof of its key, every refusal a
 * `DPoP` challenge (the scope and recent-login ones too), a due nonce sent in `DPoP-Nonce`.
 */
@Injectable()
export class AccountBearerAuthenticator {
  constructor(
    private readonly bearer: BearerTokenAuthenticator,
    private readonly clock: Clock,
    private readonly passkeys: PasskeyConfig,
    private readonly accounts: AccountService,
    private readonly stepUp: StepUpConfig,
  ) {}

  /**
   * `recentLogin: false` for what only reads the account (its list of methods): the scope is
   * still required, the login's age is not.
   */
  async authenticate(
    presented: PresentedToken,
    { recentLogin = true }: { recentLogin?: boolean } = {},
  ): Promise<AccountBearer> {
    const { claims, grant, dpopNonce } = await this.bearer.authenticate(presented);
    if (dpopNonce !== undefined) presented.sendDpopNonce?.(dpopNonce);
    // RFC 9068 §5: a token with no local sign-in names no account here (a client's own, a
    // workload's or a user a trusted issuer vouched for: the machine grants), whatever its scope.
    if (claims.auth_method === undefined) {
      throw inTokenScheme(
        claims,
        new InsufficientScope(
          'The access token names no account here (a client, a workload, or a user of a trusted issuer): only a sign-in here changes an account',
          ACCOUNT_SCOPE,
        ),
      );
    }
    // RFC 8628 §5.4: whoever started a device flow may have phished the user code's approval;
    // its tokens never reach the account (/device_authorization never grants the scope either).
    if (grant.grantType === DEVICE_CODE_GRANT_TYPE) {
      throw inTokenScheme(
        claims,
        new InsufficientScope(
          'Tokens of a device grant cannot read or change the account (RFC 8628 §5.4: a user code can be phished)',
          ACCOUNT_SCOPE,
        ).because('device_grant'),
      );
    }
    if (!hasScope(claims.scope, ACCOUNT_SCOPE)) {
      throw inTokenScheme(
        claims,
        new InsufficientScope(
          `The access token lacks the ${ACCOUNT_SCOPE} scope, which changing the account requires`,
          ACCOUNT_SCOPE,
        ),
      );
    }
    const maxAge = this.passkeys.recentLoginSeconds;
    const age = this.clock.nowSeconds() - (claims.auth_time ?? Number.NEGATIVE_INFINITY);
    if (recentLogin && !(age <= maxAge)) {
      throw inTokenScheme(
        claims,
        new InsufficientUserAuthentication(
          `Changing the account needs a login at most ${maxAge} seconds old; sign in again`,
          maxAge,
        ).because('login_not_recent'),
      );
    }
    // RFC 9470 step-up: an account with a passkey is changed only after a passkey sign-in; and
    // one with a passkey, wallet or password never by an email sign-in alone (email-alone.ts).
    const emailAlone = recentLogin && isEmailAlone({ authMethod: claims.auth_method });
    const level = this.stepUp.accountChangesRequireAcr;
    const methods =
      recentLogin && (level !== undefined || emailAlone)
        ? (await this.accounts.account(claims.sub)).methods
        : [];
    const methodTypes = methods.map((m) => m.type);
    if (emailAlone && emailAloneMayNotChange({ authMethod: claims.auth_method }, methodTypes)) {
      throw inTokenScheme(
        claims,
        new InsufficientUserAuthentication(EMAIL_ALONE_REFUSAL, maxAge).because('email_alone'),
      );
    }
    const acr = acrForAccountChange(methods, level);
    if (!meetsAcr(claims.acr, acr)) {
      throw inTokenScheme(
        claims,
        new InsufficientUserAuthentication(
          acr === 'phrh'
            ? `This account has a hardware-bound passkey: changing its sign-in methods needs a sign-in with one (acr ${acr}); sign in again with it`
            : `This account has a passkey: changing its sign-in methods needs a passkey sign-in (acr ${acr}); sign in again with the passkey`,
          { acrValues: acr, maxAge },
        ).because('acr_unmet'),
      );
    }
    return {
      sub: claims.sub,
      clientId: claims.client_id,
      authTime: new Date((claims.auth_time ?? 0) * 1000),
    };
  }
}
