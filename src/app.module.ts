import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ChallengeEventsModule } from './compare/figures/challenge-events.module';
import { ChallengeStoreModule } from './challenges/challenge-store.module';
import { CompareModule } from './compare/compare.module';
import { HomeModule } from './pages/home/home.module';
import { LabModule } from './pages/lab/lab.module';
import { MetricsModule } from './telemetry/metrics.module';
import { ClockModule } from './platform/clock/clock.module';
import { ProtocolErrorFilter } from './platform/errors/protocol-error.filter';
import { LoggingModule } from './platform/logging/logging.module';
import { createValidationPipe } from './platform/validation/validation.pipe';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { HealthModule } from './platform/health/health.module';
import { ApiModule } from './resource/api.module';
import { SecurityEventsModule } from './telemetry/security-events/security-events.module';
import { OAuthModule } from './oauth/oauth.module';
import { RateLimitModule } from './platform/rate-limit/rate-limit.module';
import { TokensModule } from './tokens/tokens.module';
import { WalletModule } from './wallet/wallet.module';
import { DemoModule } from './pages/demo/demo.module';

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
