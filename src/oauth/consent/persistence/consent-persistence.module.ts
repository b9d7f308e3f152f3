import { PersistenceModule } from '../../../platform/database/persistence-module';
import { ConsentRepository } from '../consent.repository';
import { ConsentRecord, ConsentSchema } from './consent.schema';
import { MongoConsentRepository } from './mongo-consent.repository';

/**
 * A module of its own so that the `consents` collection and its indexes exist (created by the
 * repository's `onModuleInit`) before ConsentService's start-up migration writes to it: Nest
 * initialises imported modules first, but the providers of one module concurrently.
 */
@PersistenceModule(ConsentRepository, MongoConsentRepository, [
  { name: ConsentRecord.name, schema: ConsentSchema },
])
export class ConsentPersistenceModule {}
