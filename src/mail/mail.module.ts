import { Module } from '@nestjs/common';
import { EmbeddedMailCatcher } from './mail-catcher';
import { MailOutbox } from './mail-outbox';
import { MailOutboxPoller } from './mail-outbox.poller';
import { MailTransport, SmtpMailTransport } from './mail-transport';
import { MailboxController } from './mailbox.controller';
import { MailPersistenceModule } from './persistence/mail-persistence.module';

/**
 * Mail: the durable outbox features queue mail into (MailOutbox), the poller that sends it over
 * SMTP (nodemailer), and outside production the embedded catcher with its /dev/mailbox. Knows no
 * protocol: a feature (email sign-in) writes the mail and names its purpose.
 */
@Module({
  imports: [MailPersistenceModule],
  controllers: [MailboxController],
  providers: [
    MailOutbox,
    MailOutboxPoller,
    EmbeddedMailCatcher,
    { provide: MailTransport, useClass: SmtpMailTransport },
  ],
  exports: [MailOutbox],
})
export class MailModule {}
