import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { AppConfig } from '../config/app-config';
import { CONFIG_TOKENS, configProviders } from '../config/config.module';
import { DatabaseConfig } from '../config/sections/database.config';
import { ServerConfig } from '../config/sections/server.config';
import { ClientsModule } from '../clients/clients.module';
import { SessionPersistenceModule } from '../sessions/persistence/session-persistence.module';
import { SessionLogoutModule } from '../sessions/logout/session-logout.module';
import { UsersModule } from '../accounts/users/users.module';
import { ClockModule } from '../platform/clock/clock.module';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { mongooseOptions } from '../platform/database/database.module';
import { EventsModule } from '../platform/events/events.module';
import { RateLimitModule } from '../platform/rate-limit/rate-limit.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { ConsentModule } from '../oauth/consent/consent.module';
import { ApprovalAuditPersistenceModule } from '../accounts/approval-audit/persistence/approval-audit-persistence.module';
import { GRANT_TYPE_RULES } from '../oauth/token/token-grants';
import { RegistrableGrantTypesModule } from '../clients/registration/registrable-grant-types';
import { MethodRemoval } from '../sessions/logout/method-removal.service';
import { AccountAdministration } from './accounts/account-administration.service';
import { ClientAdministration } from './clients/client-administration.service';
import { GrantAdministration } from './grants/grant-administration.service';
import { UserAdministration } from './users/user-administration.service';

/** The CLI's configuration, validated before Nest starts, available everywhere like AppConfigModule's. */
@Module({})
class AdminConfigModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AdminConfigModule,
      global: true,
      providers: configProviders({ provide: AppConfig, useValue: config }),
      exports: CONFIG_TOKENS,
    };
  }
}

/**
 * What `proofgate-admin` runs on: the service's own feature modules (users, sessions, clients,
 * grants, consents, signing keys) on the service's database, without HTTP. Loading them runs their start-up
 * work as a service instance would (indexes, the active signing key, OAUTH_CLIENTS registration),
 * except demo seeding, which the admin configuration turns off.
 */
@Module({})
export class AdminModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        AdminConfigModule.forConfig(config),
        ClockModule,
        EventsModule,
        // AccountService charges the per-IP limits of self-service links (an operator's never).
        RateLimitModule,
        // One attempt: an operator waits for an answer, not for half a minute of retries.
        MongooseModule.forRootAsync({
          inject: [DatabaseConfig, ServerConfig],
          useFactory: (database: DatabaseConfig, server: ServerConfig) => ({
            ...mongooseOptions(database, server),
            retryAttempts: 0,
          }),
        }),
        UsersModule,
        SessionPersistenceModule,
        SessionLogoutModule,
        ClientsModule,
        // The grants' registration rules: OAUTH_CLIENTS' check at start, and `clients add`.
        RegistrableGrantTypesModule.forRules(GRANT_TYPE_RULES),
        GrantsModule,
        ConsentModule,
        ApprovalAuditPersistenceModule,
        AccountsModule,
      ],
      providers: [
        PasswordHasher,
        AccountAdministration,
        MethodRemoval,
        UserAdministration,
        ClientAdministration,
        GrantAdministration,
      ],
    };
  }
}
