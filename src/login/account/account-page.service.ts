import { encodedUserHandleOf } from '../../passkeys/user-handle';
import { StepUpConfig } from '../../config/sections/step-up.config';
import { acrForAccountChange, meetsAcr, type MinimumAcr } from '../../protocol-rules/acr';
import type { Account } from '../../accounts/account';
import { Injectable } from '@nestjs/common';
import type { WalletNonceResponseDto } from '../../wallet/wallet-nonce-response.dto';
import type { WithHeaders } from '../../platform/http/cookies';
import type { CookieWriter } from '../../platform/http/http-exchange';
import { AccountService } from '../../accounts/account.service';
import { CROSS_DEVICE_REFUSAL, crossDeviceMayNotChange } from '../../accounts/cross-device';
import { EMAIL_ALONE_REFUSAL, emailAloneMayNotChange } from '../../accounts/email-alone';
import { EmailAccountLink } from '../../email/email-account-link.service';
import { EmailSignIn } from '../../email/email-sign-in.service';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import { Clock } from '../../platform/clock/clock';
import { CsrfProtection } from '../../platform/csrf/csrf-protection';
import { clientAddress } from '../../platform/http/client-address';
import {
  InsufficientUserAuthentication,
  InvalidRequest,
  ProtocolError,
} from '../../platform/errors/protocol-error';
import type { PasskeyCreationOptionsDto } from '../../passkeys/passkey-options.dto';
import type { RegistrationResponseDto } from '../../passkeys/passkey-request.dto';
import {
  PasskeyRegistrationService,
  type RegisteredPasskey,
} from '../../passkeys/registration/passkey-registration.service';
import type { LoginSession } from '../../sessions/session';
import { SessionService } from '../../sessions/session.service';
import type { AccountPageView } from './account.page';
import type { PageLocale } from '../../platform/i18n/page-locale';
import { AccountActivityService, type SignedOutEverywhere } from './account-activity.service';
import { MethodRemoval } from '../../sessions/logout/method-removal.service';
import { PasswordLinkService } from './password-link.service';
import { WalletLinkService } from './wallet-link.service';
import type { WalletProof } from '../../wallet/core/wallet-proof';
import type { SignInMethod } from '../../accounts/account';
import { Oid4vpSessionLogin } from '../oid4vp/oid4vp-session-login.service';
import type { CreatedRequest } from '../../oid4vp/oid4vp-sign-in.service';
import { LINK_NEEDS_ITS_ACCOUNT } from '../../oid4vp/oid4vp.errors';
import type { IdentityWalletLinkView } from './identity-wallet-link.page';
import { type AccountRefusal, accountRefusal } from './account-refusal';

/** The page's request (its cookies, the caller's address) and what sets its cookies. */
type PageRequest = WithHeaders & { readonly ip?: string };
type Exchange = { req: PageRequest; res: CookieWriter };

/**
 * The account page's use cases, for a signed-in browser (the session cookie; the JSON API at
 * /account/methods and /passkeys is the bearer-token form of the same). Changes need the page's
 * CSRF token and a login at most ACCOUNT_RECENT_LOGIN_SECONDS old.
 */
@Injectable()
export class AccountPageService {
  constructor(
    private readonly sessions: SessionService,
    private readonly accounts: AccountService,
    private readonly registration: PasskeyRegistrationService,
    private readonly passwords: PasswordLinkService,
    private readonly wallets: WalletLinkService,
    private readonly csrf: CsrfProtection,
    private readonly clock: Clock,
    private readonly passkeys: PasskeyConfig,
    private readonly removal: MethodRemoval,
    private readonly activity: AccountActivityService,
    private readonly stepUp: StepUpConfig,
    private readonly emails: EmailSignIn,
    private readonly emailLink: EmailAccountLink,
    private readonly identityWallets: Oid4vpSessionLogin,
  ) {}

  /** The page's view, or null without a session (the caller sends the browser to sign in). */
  async view(
    http: Exchange,
    shown: Pick<AccountPageView, 'locale' | 'error' | 'username' | 'emailCodeSent'>,
  ): Promise<AccountPageView | null> {
    const session = await this.sessions.current(http.req);
    if (!session) return null;
    const [account, activity] = await Promise.all([
      this.accounts.account(session.sub),
      this.activity.of(session.sub),
    ]);
    const needed = this.accountChangeAcr(account);
    const passkeyNeeded = needed !== undefined && !meetsAcr(session.acr, needed) ? needed : false;
    const strongerNeeded = emailAloneMayNotChange(
      session,
      account.methods.map((m) => m.type),
    );
    const thisDeviceNeeded = crossDeviceMayNotChange(session);
    return {
      account,
      activity,
      csrfToken: this.csrf.issue(http.req, http.res),
      recentLogin:
        this.isRecent(session) && passkeyNeeded === false && !strongerNeeded && !thisDeviceNeeded,
      passkeyNeeded,
      strongerNeeded,
      thisDeviceNeeded,
      emailLogin: this.emails.enabled,
      identityWallet: this.identityWallets.enabled,
      passkeySignal: { rpId: this.passkeys.rpId, userId: encodedUserHandleOf(account.sub) },
      ...shown,
    };
  }

  async passkeyOptions(req: PageRequest, csrfToken?: string): Promise<PasskeyCreationOptionsDto> {
    const session = await this.recentSession(req, csrfToken);
    return this.registration.options(session);
  }

  async addPasskey(
    req: PageRequest,
    csrfToken: string | undefined,
    response: RegistrationResponseDto,
  ): Promise<RegisteredPasskey> {
    const session = await this.recentSession(req, csrfToken);
    return this.registration.verify(session, response, clientAddress(req));
  }

  /** "Link a wallet", first step: the link message for the signed-in account (fresh login). */
  async walletNonce(
    req: PageRequest,
    csrfToken: string | undefined,
    address: string,
    chainId: number | string,
  ): Promise<WalletNonceResponseDto> {
    const session = await this.recentSession(req, csrfToken);
    return this.wallets.nonce(session.sub, address, chainId);
  }

  /** "Link a wallet": the signed-in account's fresh login first, then the wallet's signature. */
  async linkWallet(
    req: PageRequest,
    csrfToken: string | undefined,
    proof: WalletProof,
    callerAddress: string,
  ): Promise<SignInMethod> {
    const session = await this.recentSession(req, csrfToken);
    return this.wallets.link(session.sub, proof, callerAddress);
  }

  /**
   * "Link your identity wallet": a presentation request whose answer links the credential to the
   * signed-in account (the page's CSRF token and a recent login first, as every change).
   */
  async identityWalletRequest(
    http: Exchange,
    csrfToken: string | undefined,
  ): Promise<CreatedRequest & { qr_code: string }> {
    const session = await this.recentSession(http.req, csrfToken);
    return this.identityWallets.createLink(session.sub, http);
  }

  /**
   * The wallet's redirect for "Link your identity wallet" (wherever the wallet opened it): the
   * credential it would link, for the person to confirm, in a browser signed in to the account
   * that asked whose session may change it now (as every change: recent, on this device). The
   * page that showed the QR code may have been a phisher's, and the wallet's holder someone else.
   */
  async identityWalletLinkPage(
    req: PageRequest,
    res: Pick<CookieWriter, 'cookie'>,
    responseCode: string,
  ): Promise<IdentityWalletLinkView> {
    const { linkTo, claims, issuedBy } = await this.identityWallets.linkToConfirm(
      responseCode,
      this.mayLinkIn(req),
    );
    const csrfToken = this.csrf.issue(req, res);
    return { account: linkTo, claims, issuedBy, responseCode, csrfToken };
  }

  /** The confirmation posted (its CSRF token): the credential linked, checked as the page was. */
  async completeIdentityWalletLink(
    req: PageRequest,
    csrfToken: string | undefined,
    responseCode: string,
    callerAddress: string,
  ): Promise<void> {
    this.csrf.assertValid(req, csrfToken);
    await this.identityWallets.completeLink(responseCode, this.mayLinkIn(req), callerAddress);
  }

  /** Whether this browser may link a credential to `linkTo`: that account's, and may change it. */
  private mayLinkIn(req: PageRequest): (linkTo: string) => Promise<void> {
    return async (linkTo) => {
      const session = await this.sessions.currentOrRefuse(req);
      if (session?.sub !== linkTo) {
        throw new InvalidRequest(LINK_NEEDS_ITS_ACCOUNT).because('binding_mismatch');
      }
      await this.recentLoginSession(req);
    };
  }

  /** A form's change: a refusal of the account's rules is answered, to be shown on the page. */
  removeMethod(
    req: PageRequest,
    csrfToken: string | undefined,
    method: string,
  ): Promise<AccountRefusal | undefined> {
    return this.formChange(req, csrfToken, async (session) => {
      await this.removal.remove(session.sub, method);
    });
  }

  /**
   * "Sign out everywhere": every session and grant of the signed-in account ends, this browser's
   * session included (its cookie is cleared). No recent login needed: it only takes access away.
   * Null without a session.
   */
  async signOutEverywhere(
    http: Exchange,
    csrfToken: string | undefined,
  ): Promise<SignedOutEverywhere | null> {
    this.csrf.assertValid(http.req, csrfToken);
    const session = await this.sessions.currentOrRefuse(http.req);
    if (!session) return null;
    const ended = await this.activity.signOutEverywhere(session.sub);
    // This browser's session ended with the others: its cookie goes.
    this.sessions.clearCookies(http.req, http.res);
    return ended;
  }

  /**
   * "Add an email address", first step: a code sent to it (fresh login; see EmailAccountLink), in
   * the language of the page it was asked from.
   */
  sendEmailCode(
    req: PageRequest,
    csrfToken: string | undefined,
    email: string,
    locale: PageLocale,
  ): Promise<AccountRefusal | undefined> {
    return this.formChange(req, csrfToken, async (session) => {
      await this.emailLink.sendCode(session.sub, email, locale);
    });
  }

  /** "Add an email address": the code sent to it adds it. */
  addEmail(
    req: PageRequest,
    csrfToken: string | undefined,
    code: string,
  ): Promise<AccountRefusal | undefined> {
    return this.formChange(req, csrfToken, async (session) => {
      await this.emailLink.link(session.sub, code, clientAddress(req));
    });
  }

  /** Set a password (an account without one): see PasswordLinkService. */
  setPassword(
    req: PageRequest,
    csrfToken: string | undefined,
    username: string,
    password: string,
  ): Promise<AccountRefusal | undefined> {
    return this.formChange(req, csrfToken, async (session) => {
      await this.passwords.link(session.sub, username, password, clientAddress(req));
    });
  }

  /**
   * Runs a form's change for a recent session. A failed CSRF check is thrown (it is not the
   * page's to show: the envelope answers it); what the account's rules refuse after it (a stale
   * login, a taken username, the last method) is answered, for the page to show.
   */
  private async formChange(
    req: PageRequest,
    csrfToken: string | undefined,
    change: (session: LoginSession) => Promise<void>,
  ): Promise<AccountRefusal | undefined> {
    this.csrf.assertValid(req, csrfToken);
    let subject = '';
    try {
      const session = await this.recentLoginSession(req);
      subject = session.sub;
      await change(session);
      return undefined;
    } catch (error) {
      if (error instanceof ProtocolError && error.status < 500 && error.status !== 429) {
        return accountRefusal(error, {
          recentLoginSeconds: this.passkeys.recentLoginSeconds,
          subject,
        });
      }
      throw error;
    }
  }

  /**
   * The session that may change the account now: the page's CSRF token, then a recent login (and a
   * passkey's, where ACCOUNT_CHANGES_REQUIRE_PHR asks it). Used by every change of the page.
   */
  recentSession(req: PageRequest, csrfToken: string | undefined): Promise<LoginSession> {
    this.csrf.assertValid(req, csrfToken);
    return this.recentLoginSession(req);
  }

  /** recentSession without the CSRF token: for a change that comes back from elsewhere (a link). */
  async recentLoginSession(req: PageRequest): Promise<LoginSession> {
    const session = await this.sessions.currentOrRefuse(req);
    if (!session) throw new InvalidRequest('Sign in first');
    if (!this.isRecent(session)) {
      const maxAge = this.passkeys.recentLoginSeconds;
      throw new InsufficientUserAuthentication(
        `Changing the account needs a login at most ${maxAge} seconds old; sign in again`,
        maxAge,
      ).because('login_not_recent');
    }
    // A relayed QR code signs its shower in: such a session adds no way in (cross-device.ts).
    if (crossDeviceMayNotChange(session)) {
      throw new InsufficientUserAuthentication(
        CROSS_DEVICE_REFUSAL,
        this.passkeys.recentLoginSeconds,
      ).because('cross_device');
    }
    const account = await this.accounts.account(session.sub);
    // Email is for recovery: alone, it changes no account that has a stronger key.
    if (
      emailAloneMayNotChange(
        session,
        account.methods.map((m) => m.type),
      )
    ) {
      throw new InsufficientUserAuthentication(
        EMAIL_ALONE_REFUSAL,
        this.passkeys.recentLoginSeconds,
      ).because('email_alone');
    }
    // RFC 9470 step-up: an account with a passkey is changed only after a passkey sign-in.
    const acr = this.accountChangeAcr(account);
    if (!meetsAcr(session.acr, acr)) {
      throw new InsufficientUserAuthentication(
        acr === 'phrh'
          ? 'This account has a hardware-bound passkey: changing its sign-in methods needs a sign-in with one; sign in again with it'
          : 'This account has a passkey: changing its sign-in methods needs a passkey sign-in; sign in again with the passkey',
        { acrValues: acr, maxAge: this.passkeys.recentLoginSeconds },
      ).because(acr === 'phrh' ? 'hardware_passkey_needed' : 'passkey_needed');
    }
    return session;
  }

  /** RFC 9470 step-up for account changes (ACCOUNT_CHANGES_REQUIRE_PHR). */
  private accountChangeAcr(account: Account): MinimumAcr | undefined {
    return acrForAccountChange(account.methods, this.stepUp.accountChangesRequireAcr);
  }

  private isRecent(session: LoginSession): boolean {
    const age = this.clock.now().getTime() - session.authTime.getTime();
    return age <= this.passkeys.recentLoginSeconds * 1000;
  }
}
