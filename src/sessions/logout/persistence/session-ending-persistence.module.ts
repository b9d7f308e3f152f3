import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SessionEndingRepository } from '../session-ending.repository';
import { MongoSessionEndingRepository } from './mongo-session-ending.repository';
import { SessionEndingRecord, SessionEndingSchema } from './session-ending.schema';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: SessionEndingRecord.name, schema: SessionEndingSchema }]),
  ],
  providers: [{ provide: SessionEndingRepository, useClass: MongoSessionEndingRepository }],
  exports: [SessionEndingRepository],
})
export class SessionEndingPersistenceModule {}
