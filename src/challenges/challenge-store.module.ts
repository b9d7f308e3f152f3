import { PersistenceModule } from '../platform/database/persistence-module';
import { ChallengeStore } from './challenge-store';
import { ChallengeRecord, ChallengeSchema } from './persistence/challenge.schema';
import { MongoChallengeStore } from './persistence/mongo-challenge.store';

@PersistenceModule(ChallengeStore, MongoChallengeStore, [
  { name: ChallengeRecord.name, schema: ChallengeSchema },
])
export class ChallengeStoreModule {}
