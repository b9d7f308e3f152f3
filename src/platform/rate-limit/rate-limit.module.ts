import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MongooseModule, getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { RateLimitConfig } from '../../config/sections/rate-limits.config';
import { Clock } from '../clock/clock';
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
    {
      // Only the store RATE_LIMIT_STORE names is made. Nest runs lifecycle hooks on the value a
      // factory returns: when both stores were providers of their own and this factory handed
      // one of them on, the MongoDB store's onModuleInit ran twice at every start.
      provide: RateLimitStore,
      inject: [RateLimitConfig, getModelToken(RateLimitCounterRecord.name), Clock],
      useFactory: (
        rateLimits: RateLimitConfig,
        counters: Model<RateLimitCounterRecord>,
        clock: Clock,
      ): RateLimitStore =>
        rateLimits.store === 'mongo'
          ? new MongoRateLimitStore(counters, rateLimits)
          : new MemoryRateLimitStore(clock),
    },
    RateLimiter,
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
