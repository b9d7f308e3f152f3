import { PersistenceModule } from '../../../platform/database/persistence-module';
import { GrantRepository } from '../grant.repository';
import { GrantRecord, GrantSchema } from './grant.schema';
import { MongoGrantRepository } from './mongo-grant.repository';

@PersistenceModule(GrantRepository, MongoGrantRepository, [
  { name: GrantRecord.name, schema: GrantSchema },
])
export class GrantPersistenceModule {}
