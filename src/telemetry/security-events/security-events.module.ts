import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SecurityEventLog, SecurityEventRecord, SecurityEventSchema } from './security-event.log';

/**
 * The security-event log on its own: telemetry writes it (TelemetrySubscriber), and the
 * administration services read it for operators (`security-events list`, the admin API) without
 * the metrics and figures the rest of telemetry brings.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: SecurityEventRecord.name, schema: SecurityEventSchema }]),
  ],
  providers: [SecurityEventLog],
  exports: [SecurityEventLog],
})
export class SecurityEventsModule {}
