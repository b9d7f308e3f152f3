import { PersistenceModule } from '../../platform/database/persistence-module';
import { SessionRepository } from '../session.repository';
import { MongoSessionRepository } from './mongo-session.repository';
import { SessionRecord, SessionSchema } from './session.schema';

@PersistenceModule(SessionRepository, MongoSessionRepository, [
  { name: SessionRecord.name, schema: SessionSchema },
])
export class SessionPersistenceModule {}
