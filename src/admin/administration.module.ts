import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { UsersModule } from '../accounts/users/users.module';
import { ClientsModule } from '../clients/clients.module';
import { ApprovalAuditPersistenceModule } from '../accounts/approval-audit/persistence/approval-audit-persistence.module';
import { ConsentModule } from '../oauth/consent/consent.module';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { SessionLogoutModule } from '../sessions/logout/session-logout.module';
import { MethodRemoval } from '../sessions/logout/method-removal.service';
import { SessionPersistenceModule } from '../sessions/persistence/session-persistence.module';
import { LogoutDeliveryPersistenceModule } from '../sessions/logout/persistence/logout-delivery-persistence.module';
import { MailPersistenceModule } from '../mail/persistence/mail-persistence.module';
import { CibaNotificationPersistenceModule } from '../oauth/ciba/notifications/persistence/ciba-notification-persistence.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { AccountAdministration } from './accounts/account-administration.service';
import { ApprovalAdministration } from './approvals/approval-administration.service';
import { AdminAuditTrail } from './audit/admin-audit.service';
import { AdminAuditPersistenceModule } from './audit/persistence/admin-audit-persistence.module';
import { ClientAdministration } from './clients/client-administration.service';
import { ConsentAdministration } from './consents/consent-administration.service';
import { GrantAdministration } from './grants/grant-administration.service';
import { KeyAdministration } from './keys/key-administration.service';
import { OutboxAdministration } from './outboxes/outbox-administration.service';
import { StreamAdministration } from './streams/stream-administration.service';
import { StreamPersistenceModule } from '../signals/streams/persistence/stream-persistence.module';
import { SsfEventPersistenceModule } from '../signals/outbox/persistence/ssf-event-persistence.module';
import { SessionAdministration } from './sessions/session-administration.service';
import { UserAdministration } from './users/user-administration.service';
import { OperatorAdministration } from './operators/operator-administration.service';
import { OperatorPersistenceModule } from '../accounts/operators/persistence/operator-persistence.module';
import { SecurityEventsModule } from '../telemetry/security-events/security-events.module';
import { SecurityEventAdministration } from './security-events/security-event-administration.service';

/** The administration services: what both faces (the CLI and the admin API) call. */
export const ADMINISTRATION_SERVICES = [
  AccountAdministration,
  ApprovalAdministration,
  ClientAdministration,
  ConsentAdministration,
  GrantAdministration,
  KeyAdministration,
  OutboxAdministration,
  OperatorAdministration,
  SecurityEventAdministration,
  SessionAdministration,
  StreamAdministration,
  UserAdministration,
] as const;

/**
 * One service layer under `proofgate-admin` and the admin API (issue #77): the administration
 * services, the audit trail they write, and the feature modules they stand on. The faces bring
 * the configuration, the database connection, the clock, the events and the grants' registration
 * rules (the CLI its own, the app its global ones).
 */
@Module({
  imports: [
    UsersModule,
    SessionPersistenceModule,
    SessionLogoutModule,
    ClientsModule,
    GrantsModule,
    ConsentModule,
    ApprovalAuditPersistenceModule,
    AccountsModule,
    AdminAuditPersistenceModule,
    LogoutDeliveryPersistenceModule,
    MailPersistenceModule,
    CibaNotificationPersistenceModule,
    OperatorPersistenceModule,
    SecurityEventsModule,
    StreamPersistenceModule,
    SsfEventPersistenceModule,
  ],
  providers: [PasswordHasher, MethodRemoval, AdminAuditTrail, ...ADMINISTRATION_SERVICES],
  exports: [AdminAuditTrail, ...ADMINISTRATION_SERVICES],
})
export class AdministrationModule {}
