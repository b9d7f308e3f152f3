import { Module } from '@nestjs/common';
import { ClientMetadataDocumentsModule } from '../../clients/metadata-document/client-metadata-documents.module';
import { TokensModule } from '../../tokens/tokens.module';
import { LogoutDeliveryPersistenceModule } from './persistence/logout-delivery-persistence.module';
import { LogoutDeliveryPoller } from './logout-delivery.poller';
import { LogoutDeliverySender } from './logout-delivery.sender';
import { SessionLogoutModule } from './session-logout.module';

/** The service's delivery of queued logout tokens (OpenID Connect Back-Channel Logout 1.0). */
@Module({
  imports: [
    LogoutDeliveryPersistenceModule,
    TokensModule,
    ClientMetadataDocumentsModule,
    SessionLogoutModule,
  ],
  providers: [LogoutDeliverySender, LogoutDeliveryPoller],
})
export class BackchannelLogoutModule {}
