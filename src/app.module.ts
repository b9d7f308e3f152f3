import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ChallengeStoreModule } from './common/challenge-store/challenge-store.module';
import { ClockModule } from './common/clock/clock.module';
import { ProtocolErrorFilter } from './common/errors/protocol-error.filter';
import { LoggingModule } from './common/logging.module';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    ClockModule,
    DatabaseModule,
    ChallengeStoreModule,
    HealthModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProtocolErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class AppModule {}
