import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CompareModule } from '../compare/compare.module';
import { TokensModule } from '../tokens/tokens.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import {
  SecurityEventLog,
  SecurityEventRecord,
  SecurityEventSchema,
} from './security-events/security-event.log';
import { TelemetrySubscriber } from './telemetry.subscriber';

/** Metrics, figures and the audit log, fed by domain events (see TelemetrySubscriber). */
@Global()
@Module({
  imports: [
    CompareModule,
    TokensModule,
    MongooseModule.forFeature([{ name: SecurityEventRecord.name, schema: SecurityEventSchema }]),
  ],
  controllers: [MetricsController],
  providers: [MetricsService, SecurityEventLog, TelemetrySubscriber],
  exports: [MetricsService, SecurityEventLog],
})
export class TelemetryModule {}
