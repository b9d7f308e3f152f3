import { PersistenceModule } from '../../../platform/database/persistence-module';
import { UserRepository } from '../user.repository';
import { MongoUserRepository } from './mongo-user.repository';
import { UserRecord, UserSchema } from './user.schema';

/**
 * A module of its own so that the `users` collection exists (created by the repository's
 * `onModuleInit`) before UsersModule's seeder writes to it: Nest initialises imported modules
 * first, but the providers of one module concurrently.
 */
@PersistenceModule(UserRepository, MongoUserRepository, [
  { name: UserRecord.name, schema: UserSchema },
])
export class UserPersistenceModule {}
