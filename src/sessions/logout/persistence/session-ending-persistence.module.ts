import { PersistenceModule } from '../../../platform/database/persistence-module';
import { SessionEndingRepository } from '../session-ending.repository';
import { MongoSessionEndingRepository } from './mongo-session-ending.repository';
import { SessionEndingRecord, SessionEndingSchema } from './session-ending.schema';

@PersistenceModule(SessionEndingRepository, MongoSessionEndingRepository, [
  { name: SessionEndingRecord.name, schema: SessionEndingSchema },
])
export class SessionEndingPersistenceModule {}
