import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ChallengeEventsModule } from './common/challenge-events/challenge-events.module';
import { ChallengeStoreModule } from './common/challenge-store/challenge-store.module';
import { CompareModule } from './compare/compare.module';
import { HomeModule } from './home/home.module';
import { LabModule } from './lab/lab.module';
import { MetricsModule } from './metrics/metrics.module';
import { ClockModule } from './common/clock/clock.module';
import { ProtocolErrorFilter } from './common/errors/protocol-error.filter';
import { LoggingModule } from './common/logging.module';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ApiModule } from './api/api.module';
import { SecurityEventsModule } from './common/security-events/security-events.module';
import { OAuthModule } from './oauth/oauth.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { TokensModule } from './tokens/tokens.module';
import { WalletModule } from './wallet/wallet.module';
import { SiweSessionLoginModule } from './oauth/login/siwe-session-login.module';
import { DemoModule } from './demo/demo.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    ClockModule,
    DatabaseModule,
    MetricsModule,
    ChallengeEventsModule,
    ChallengeStoreModule,
    HealthModule,
    RateLimitModule,
    SecurityEventsModule,
    TokensModule,
    OAuthModule,
    WalletModule,
    SiweSessionLoginModule,
    DemoModule,
    ApiModule,
    CompareModule,
    HomeModule,
    LabModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProtocolErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class AppModule {}
