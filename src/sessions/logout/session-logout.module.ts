import { Module } from '@nestjs/common';
import { ClientsModule } from '../../clients/clients.module';
import { GrantsModule } from '../../tokens/grants/grants.module';
import { SessionPersistenceModule } from '../persistence/session-persistence.module';
import { LogoutDeliveryPersistenceModule } from './persistence/logout-delivery-persistence.module';
import { SessionEndingPersistenceModule } from './persistence/session-ending-persistence.module';
import { SessionLogout } from './session-logout.service';

/**
 * What follows a login session's end (grants revoked, logout tokens queued): used by the service
 * and by the admin CLI, which queues logout tokens that the service's instances deliver.
 */
@Module({
  imports: [
    ClientsModule,
    GrantsModule,
    SessionPersistenceModule,
    SessionEndingPersistenceModule,
    LogoutDeliveryPersistenceModule,
  ],
  providers: [SessionLogout],
  exports: [SessionLogout],
})
export class SessionLogoutModule {}
