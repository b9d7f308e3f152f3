import { PersistenceModule } from '../../platform/database/persistence-module';
import { AccountRepository } from '../account.repository';
import { AccountMethodRecord, AccountMethodSchema } from './account-method.schema';
import { AccountRecord, AccountSchema } from './account.schema';
import { MongoAccountRepository } from './mongo-account.repository';

@PersistenceModule(AccountRepository, MongoAccountRepository, [
  { name: AccountRecord.name, schema: AccountSchema },
  { name: AccountMethodRecord.name, schema: AccountMethodSchema },
])
export class AccountPersistenceModule {}
