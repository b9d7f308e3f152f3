import { Module } from '@nestjs/common';
import { AdminConsoleClientRegistration } from '../../clients/admin-console-client';
import { ClientsModule } from '../../clients/clients.module';
import { GrantsModule } from '../../tokens/grants/grants.module';
import { AdministrationModule } from '../administration.module';
import { AccountsAdminController } from '../accounts/accounts.controller';
import { ApprovalsAdminController } from '../approvals/approvals.controller';
import { AuditAdminController } from '../audit/audit.controller';
import { ClientsAdminController } from '../clients/clients.controller';
import { ConsentsAdminController } from '../consents/consents.controller';
import { GrantsAdminController } from '../grants/grants.controller';
import { KeysAdminController } from '../keys/keys.controller';
import { OutboxesAdminController } from '../outboxes/outboxes.controller';
import { SessionsAdminController } from '../sessions/sessions.controller';
import { StreamsAdminController } from '../streams/streams.controller';
import { UsersAdminController } from '../users/users.controller';
import { OperatorsAdminController } from '../operators/operators.controller';
import { SecurityEventsAdminController } from '../security-events/security-events.controller';
import { ConsolePageController } from '../console/console-page.controller';
import { AdminApiGuard } from './admin-api.guard';
import { AdminErrorsInterceptor } from './admin-errors.interceptor';
import { AdminResourceMetadataController } from './admin-resource-metadata.controller';

/**
 * The admin API under `/admin/v1` (issue #77): the administration services `proofgate-admin`
 * calls, over HTTP, for admin clients' tokens (AdminApiGuard), with its RFC 9728 metadata; and
 * the console's page, with its client registered as this service's ISSUER and ADMIN_CONSOLE say.
 * The registration is the service's alone: a `proofgate-admin` run, whose environment may differ
 * (another PORT, so another default ISSUER), never rewrites or removes it.
 */
@Module({
  imports: [AdministrationModule, ClientsModule, GrantsModule],
  controllers: [
    AccountsAdminController,
    ClientsAdminController,
    UsersAdminController,
    GrantsAdminController,
    SessionsAdminController,
    KeysAdminController,
    ConsentsAdminController,
    ApprovalsAdminController,
    AuditAdminController,
    OutboxesAdminController,
    StreamsAdminController,
    OperatorsAdminController,
    SecurityEventsAdminController,
    ConsolePageController,
    AdminResourceMetadataController,
  ],
  providers: [AdminApiGuard, AdminErrorsInterceptor, AdminConsoleClientRegistration],
})
export class AdminApiModule {}
