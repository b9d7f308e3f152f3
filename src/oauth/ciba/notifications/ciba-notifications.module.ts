import { Module } from '@nestjs/common';
import { AccountsModule } from '../../../accounts/accounts.module';
import { ClientMetadataDocumentsModule } from '../../../clients/metadata-document/client-metadata-documents.module';
import { MailModule } from '../../../mail/mail.module';
import { TokensModule } from '../../../tokens/tokens.module';
import { CibaNotificationPoller } from './ciba-notification.poller';
import { CibaNotifications } from './ciba-notifications';
import { CibaNotifyToken } from './ciba-notify.token';
import { CibaNotificationPersistenceModule } from './persistence/ciba-notification-persistence.module';

/**
 * How CIBA reaches the world outside the request: the durable CIBA outbox (pings to clients,
 * the operator's CIBA_NOTIFY_URL, mail to the person) and its poller.
 */
@Module({
  imports: [
    CibaNotificationPersistenceModule,
    AccountsModule,
    MailModule,
    TokensModule,
    // The SSRF-guarded fetcher.
    ClientMetadataDocumentsModule,
  ],
  providers: [CibaNotifications, CibaNotificationPoller, CibaNotifyToken],
  exports: [CibaNotifications],
})
export class CibaNotificationsModule {}
