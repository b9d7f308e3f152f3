import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SecurityEventLog, SecurityEventRecord, SecurityEventSchema } from './security-event.log';

@Global()
@Module({
  imports: [
    MongooseModule.forFeature([{ name: SecurityEventRecord.name, schema: SecurityEventSchema }]),
  ],
  providers: [SecurityEventLog],
  exports: [SecurityEventLog],
})
export class SecurityEventsModule {}
