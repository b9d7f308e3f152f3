import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ChallengeStoreModule } from './challenges/challenge-store.module';
import { HomeModule } from './pages/home/home.module';
import { LabModule } from './pages/lab/lab.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { EventsModule } from './platform/events/events.module';
import { ClockModule } from './platform/clock/clock.module';
import { ProtocolErrorFilter } from './platform/errors/protocol-error.filter';
import { LoggingModule } from './platform/logging/logging.module';
import { TracingModule } from './platform/tracing/tracing.module';
import { createValidationPipe } from './platform/validation/validation.pipe';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { HealthModule } from './platform/health/health.module';
import { ApiModule } from './resource-server/api.module';
import { OAuthModule } from './oauth/oauth.module';
import { LoginModule } from './login/login.module';
import { LogoutModule } from './sessions/logout/logout.module';
import { RateLimitModule } from './platform/rate-limit/rate-limit.module';
import { TokensModule } from './tokens/tokens.module';
import { WalletModule } from './wallet/wallet.module';
import { PasskeysModule } from './passkeys/passkeys.module';
import { DemoModule } from './pages/demo/demo.module';
import { ProofRegistryModule } from './proof-registry.module';
import { MailModule } from './mail/mail.module';
import { ApprovalProofsModule } from './approval-proofs/approval-proofs.module';
import { AdminApiModule } from './admin/api/admin-api.module';
import { SignalsModule } from './signals/signals.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    TracingModule,
    ClockModule,
    DatabaseModule,
    EventsModule,
    ProofRegistryModule,
    TelemetryModule,
    ChallengeStoreModule,
    HealthModule,
    RateLimitModule,
    TokensModule,
    LoginModule,
    LogoutModule,
    OAuthModule,
    WalletModule,
    PasskeysModule,
    DemoModule,
    ApiModule,
    HomeModule,
    LabModule,
    MailModule,
    ApprovalProofsModule,
    AdminApiModule,
    SignalsModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProtocolErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class AppModule {}
