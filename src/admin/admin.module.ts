import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AppConfig } from '../config/app-config';
import { CONFIG_TOKENS, configProviders } from '../config/config.module';
import { DatabaseConfig } from '../config/sections/database.config';
import { ServerConfig } from '../config/sections/server.config';
import { ClockModule } from '../platform/clock/clock.module';
import { mongooseOptions } from '../platform/database/database.module';
import { EventsModule } from '../platform/events/events.module';
import { RateLimitModule } from '../platform/rate-limit/rate-limit.module';
import { GRANT_TYPE_RULES } from '../oauth/token/token-grants';
import { RegistrableGrantTypesModule } from '../clients/registration/registrable-grant-types';
import { AdministrationModule } from './administration.module';
import { SignalsWriterModule } from '../signals/signals-writer.module';
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
 * What `proofgate-admin` runs on: the administration services the admin API calls too, on the
 * service's own feature modules (users, sessions, clients, grants, consents, signing keys) and
 * database, without HTTP. Loading them runs their start-up
 * work as a service instance would (indexes, the active signing key, OAUTH_CLIENTS registration),
 * except demo seeding, which the admin configuration turns off, and the admin console's client,
 * which the service registers for its own ISSUER (AdminApiModule), never the CLI for its.
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
        // The grants' registration rules: OAUTH_CLIENTS' check at start, and `clients add`.
        RegistrableGrantTypesModule.forRules(GRANT_TYPE_RULES),
        AdministrationModule,
        // A lock-down from the CLI queues its Security Event Tokens (issue #80).
        SignalsWriterModule,
      ],
    };
  }
}
