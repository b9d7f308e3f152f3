import { PersistenceModule } from '../../../platform/database/persistence-module';
import { StreamRepository } from '../stream.repository';
import { MongoStreamRepository } from './mongo-stream.repository';
import {
  SsfStreamRecord,
  SsfStreamSchema,
  SsfStreamSubjectRecord,
  SsfStreamSubjectSchema,
} from './stream.schema';

@PersistenceModule(StreamRepository, MongoStreamRepository, [
  { name: SsfStreamRecord.name, schema: SsfStreamSchema },
  { name: SsfStreamSubjectRecord.name, schema: SsfStreamSubjectSchema },
])
export class StreamPersistenceModule {}
