import { Injectable, Logger } from '@nestjs/common';
import { type SignInMethod, emailMethodKey } from '../accounts/account';
import { AccountService } from '../accounts/account.service';
import { ServerConfig } from '../config/sections/server.config';
import { MailOutbox } from '../mail/mail-outbox';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { canonicalEmail } from './email-address';
import { EmailChallenges } from './email-challenges';
import { linkCodeMail } from './email-code.mail';
import type { PageLocale } from '../platform/i18n/page-locale';
import { EmailSignIn, refusalOf } from './email-sign-in.service';
import { EMAIL_CODES_PER_BROWSER } from './email.rate-limits';

/**
 * An address added to a signed-in account: the caller proves the account's fresh login first
 * (the account page's session, or an `account`-scoped token, each of a recent login), then the
 * address by the code sent to it. One pending address per account: a new request replaces it.
 */
@Injectable()
export class EmailAccountLink {
  private readonly logger = new Logger(EmailAccountLink.name);

  constructor(
    private readonly signIn: EmailSignIn,
    private readonly challenges: EmailChallenges,
    private readonly outbox: MailOutbox,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountService,
    private readonly server: ServerConfig,
  ) {}

  /**
   * Sends the code that adds `address` to the account `sub` (the address's budget charged first),
   * in `locale`: the language of the page it was asked from.
   */
  async sendCode(sub: string, address: string, locale: PageLocale): Promise<void> {
    this.signIn.assertEnabled();
    const to = canonicalEmail(address);
    await this.limiter.hit(
      [
        ...this.challenges.addressBudgets(to),
        { rule: EMAIL_CODES_PER_BROWSER, key: `account:${sub}` },
      ],
      'closed',
    );
    const { code, expiresAt } = await this.challenges.issueLink(sub, to);
    await this.outbox.queue(
      linkCodeMail(to, { issuer: this.server.issuer, code }, locale),
      'email_code',
      expiresAt,
    );
  }

  /** Adds the address whose code the account `sub` presents. */
  async link(
    sub: string,
    code: string,
    callerAddress: string,
  ): Promise<SignInMethod & { addedAt: Date }> {
    this.signIn.assertEnabled();
    const redemption = await this.challenges.redeemLinkCode(sub, code);
    if (!redemption.ok) throw refusalOf(redemption);
    const method = await this.accounts.link(sub, emailMethodKey(redemption.address), {
      callerAddress,
    });
    this.logger.log(`An email address linked to ${sub}`);
    return method;
  }
}
