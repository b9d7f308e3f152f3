import { PersistenceModule } from '../../../platform/database/persistence-module';
import { SsfEventRepository } from '../ssf-event.repository';
import { MongoSsfEventRepository } from './mongo-ssf-event.repository';
import { SsfEventRecord, SsfEventSchema } from './ssf-event.schema';

@PersistenceModule(SsfEventRepository, MongoSsfEventRepository, [
  { name: SsfEventRecord.name, schema: SsfEventSchema },
])
export class SsfEventPersistenceModule {}
