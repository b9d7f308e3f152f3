import { Module } from '@nestjs/common';
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

/**
 * The admin API under `/admin/v1` (issue #77): the administration services `proofgate-admin`
 * calls, over HTTP, for admin clients' tokens (AdminApiGuard).
 */
@Module({
  imports: [AdministrationModule, GrantsModule],
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
  ],
  providers: [AdminApiGuard, AdminErrorsInterceptor],
})
export class AdminApiModule {}
