import { PersistenceModule } from '../../../platform/database/persistence-module';
import { SigningKeyRepository } from '../signing-key.repository';
import { MongoSigningKeyRepository } from './mongo-signing-key.repository';
import { SigningKeyRecord, SigningKeySchema } from './signing-key.schema';

/**
 * A module of its own so that its `onModuleInit` (index creation) completes before the importing
 * module's: Nest initialises imported modules first, but the providers of one module concurrently,
 * and SigningKeyService's first-start election relies on the unique slot index already existing.
 */
@PersistenceModule(SigningKeyRepository, MongoSigningKeyRepository, [
  { name: SigningKeyRecord.name, schema: SigningKeySchema },
])
export class SigningKeyPersistenceModule {}
