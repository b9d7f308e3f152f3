import { en } from '../platform/i18n/messages/en';
import type { PageLocale } from '../platform/i18n/page-locale';
import { Injectable, Logger } from '@nestjs/common';
import { type SignInMethod, emailMethodKey, mintSubject } from '../accounts/account';
import { AccountService } from '../accounts/account.service';
import { MethodAlreadyLinked } from '../accounts/accounts.errors';
import { reportProofVerified, reportRefusals } from '../challenges/report-refusals';
import { MailConfig } from '../config/sections/mail.config';
import { ServerConfig } from '../config/sections/server.config';
import { MailOutbox } from '../mail/mail-outbox';
import { sha256Base64Url } from '../platform/crypto/hashing';
import { DomainEvents } from '../platform/events/domain-events';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import type { SessionIdentity } from '../sessions/session';
import { canonicalEmail, unnormalizedFormOf } from './email-address';
import { EmailChallenges, type EmailRedemption } from './email-challenges';
import { signInCodeMail } from './email-code.mail';
import { EmailLoginDisabled, InvalidCode } from './email.errors';
import { EMAIL_CODES_PER_BROWSER } from './email.rate-limits';

/** What a code or link proved: who signs in, and the return_to the code was asked for with. */
export interface EmailSignInProof {
  readonly identity: SessionIdentity;
  readonly returnTo?: string;
}

/**
 * The one refusal of every code or link that does not sign in, whatever the reason: the same
 * status, `error` and text for a wrong code, an expired or used one, one spent by wrong attempts,
 * and one that is live in another browser. Told apart, the last one would say that a guess
 * matched somebody's code (issue #76). The reason stays server-side, for the metrics.
 */
export function refusalOf(redemption: Exclude<EmailRedemption, { ok: true }>): InvalidCode {
  return new InvalidCode(INVALID_CODE).because(redemption.reason);
}

/** What a refused code or link answers (see refusalOf). */
export const INVALID_CODE = en['email.error.invalid_code'];

/**
 * Email sign-in (the `email` proof): a code and a link sent to an address, redeemed once in the
 * browser that asked (EmailChallenges). Asking does the same work whether or not an account has
 * the address (no account is read: rate limits, one challenge, one mail queued), so its answer
 * tells nothing; the account is found, or created, when a code is redeemed.
 */
@Injectable()
export class EmailSignIn {
  private readonly logger = new Logger(EmailSignIn.name);

  constructor(
    private readonly challenges: EmailChallenges,
    private readonly outbox: MailOutbox,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountService,
    private readonly mail: MailConfig,
    private readonly server: ServerConfig,
    private readonly events: DomainEvents,
  ) {}

  /** Whether email sign-in is on: EMAIL_LOGIN, and a transport for its mail. */
  get enabled(): boolean {
    return this.mail.emailLogin && this.mail.transport !== 'none';
  }

  assertEnabled(): void {
    if (!this.enabled) throw new EmailLoginDisabled();
  }

  /**
   * Sends a code and a link to `address` for the browser `presession` (its pre-login session id,
   * the login page's CSRF token checked), replacing the browser's earlier code. The address's and
   * the browser's budgets are charged first: past either, 429 and no mail.
   */
  async start(
    address: string,
    presession: string,
    returnTo: string,
    locale: PageLocale,
  ): Promise<void> {
    this.assertEnabled();
    const to = canonicalEmail(address);
    await this.limiter.hit(
      [
        ...this.challenges.addressBudgets(to),
        { rule: EMAIL_CODES_PER_BROWSER, key: `browser:${sha256Base64Url(presession)}` },
      ],
      'closed',
    );
    const { code, linkToken, expiresAt } = await this.challenges.issueLogin(
      presession,
      to,
      returnTo,
    );
    const link = `${this.server.issuer}/login/email/link?token=${linkToken}&ui_locales=${locale.locale}`;
    await this.outbox.queue(
      signInCodeMail(to, { issuer: this.server.issuer, code, link }, locale),
      'email_code',
      expiresAt,
    );
  }

  /** The browser `presession` presents `code`: who it signs in. */
  verifyCode(presession: string, code: string, callerAddress: string): Promise<EmailSignInProof> {
    return this.verify(callerAddress, () => this.challenges.redeemLoginCode(presession, code));
  }

  /** The browser `presession` confirms the link carrying `token`: who it signs in. */
  verifyLink(presession: string, token: string, callerAddress: string): Promise<EmailSignInProof> {
    return this.verify(callerAddress, () => this.challenges.redeemLoginLink(presession, token));
  }

  private async verify(
    callerAddress: string,
    redeem: () => Promise<EmailRedemption>,
  ): Promise<EmailSignInProof> {
    this.assertEnabled();
    return reportProofVerified(this.events, 'email', () =>
      reportRefusals(this.events, { kind: 'email_code' }, async () => {
        const redemption = await redeem();
        if (!redemption.ok) throw refusalOf(redemption);
        return {
          identity: await this.accountOf(redemption.address, callerAddress),
          ...(redemption.returnTo === undefined ? {} : { returnTo: redemption.returnTo }),
        };
      }),
    );
  }

  /**
   * The account `address` signs in: the one whose methods list it, else a new one, its first
   * method the address (charged to the caller's address as an account creation,
   * ACCOUNT_CREATIONS_PER_IP_PER_HOUR; past it 429). Two sign-ins racing to create it: the unique
   * method index takes one, and the other signs in to that account.
   */
  private async accountOf(address: string, callerAddress: string): Promise<SessionIdentity> {
    const methodKey = emailMethodKey(address);
    const identity = (sub: string): SessionIdentity => ({ sub, authMethod: 'email', methodKey });
    const existing = await this.accounts.findMethod(methodKey);
    if (existing) return identity(existing.sub);
    const before = await this.storedUnnormalized(address);
    if (before) return { sub: before.sub, authMethod: 'email', methodKey: before.key };
    const sub = mintSubject();
    try {
      await this.accounts.link(sub, methodKey, { callerAddress });
    } catch (error) {
      const winner =
        error instanceof MethodAlreadyLinked && (await this.accounts.findMethod(methodKey));
      if (!winner) throw error;
      return identity(winner.sub);
    }
    this.logger.log(`Account ${sub} created by an email address`);
    return identity(sub);
  }

  /**
   * The method an earlier release stored for `address` with its domain in Unicode, before
   * addresses were normalised (docs/DEPLOYMENT.md, "Upgrading a fleet"): that account signs in,
   * rather than a new one for the same mailbox. Read only for a domain with a punycode label.
   */
  private async storedUnnormalized(address: string): Promise<SignInMethod | undefined> {
    const unnormalized = unnormalizedFormOf(address);
    if (unnormalized === undefined) return undefined;
    return (await this.accounts.findMethod(emailMethodKey(unnormalized))) ?? undefined;
  }
}
