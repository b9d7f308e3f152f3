import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { RateLimitConfig } from '../../config/sections/rate-limits.config';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { MongoRateLimitStore } from './persistence/mongo-rate-limit.store';
import {
  RateLimitCounterRecord,
  RateLimitCounterSchema,
} from './persistence/rate-limit-counter.schema';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore } from './rate-limit.store';
import { RateLimiter } from './rate-limiter';

/**
 * The rate-limit mechanism: the guard that counts what routes declare with `@RateLimit`, and
 * `RateLimiter` (global) for features to charge an identity after proving it.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: RateLimitCounterRecord.name, schema: RateLimitCounterSchema },
    ]),
  ],
  providers: [
    MongoRateLimitStore,
    MemoryRateLimitStore,
    {
      provide: RateLimitStore,
      inject: [RateLimitConfig, MongoRateLimitStore, MemoryRateLimitStore],
      useFactory: (
        rateLimits: RateLimitConfig,
        mongo: MongoRateLimitStore,
        memory: MemoryRateLimitStore,
      ) => (rateLimits.store === 'mongo' ? mongo : memory),
    },
    RateLimiter,
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
