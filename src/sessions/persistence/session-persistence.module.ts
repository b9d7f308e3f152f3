import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SessionRepository } from '../session.repository';
import { MongoSessionRepository } from './mongo-session.repository';
import { SessionRecord, SessionSchema } from './session.schema';

@Module({
  imports: [MongooseModule.forFeature([{ name: SessionRecord.name, schema: SessionSchema }])],
  providers: [{ provide: SessionRepository, useClass: MongoSessionRepository }],
  exports: [SessionRepository],
})
export class SessionPersistenceModule {}
