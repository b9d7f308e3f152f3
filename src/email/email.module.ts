import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { MailModule } from '../mail/mail.module';
import { EmailAccountLink } from './email-account-link.service';
import { EmailChallenges } from './email-challenges';
import { EmailSignIn } from './email-sign-in.service';

/**
 * Email codes (the `email` proof): its challenges, the sign-in and the link of an address to an
 * account. Its endpoints are the login page's and the account's (login/ uses email/, never the
 * reverse).
 */
@Module({
  imports: [AccountsModule, ChallengeStoreModule, MailModule],
  providers: [EmailChallenges, EmailSignIn, EmailAccountLink],
  exports: [EmailSignIn, EmailAccountLink],
})
export class EmailModule {}
