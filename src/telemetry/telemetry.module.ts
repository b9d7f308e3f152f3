import { Global, Module } from '@nestjs/common';
import { CompareModule } from '../compare/compare.module';
import { TokensModule } from '../tokens/tokens.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { SecurityEventsModule } from './security-events/security-events.module';
import { TelemetrySubscriber } from './telemetry.subscriber';

/** Metrics, figures and the audit log, fed by domain events (see TelemetrySubscriber). */
@Global()
@Module({
  imports: [CompareModule, TokensModule, SecurityEventsModule],
  controllers: [MetricsController],
  providers: [MetricsService, TelemetrySubscriber],
  exports: [MetricsService, SecurityEventsModule],
})
export class TelemetryModule {}
