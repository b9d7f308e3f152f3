import { PersistenceModule } from '../../../platform/database/persistence-module';
import { LoginFailureStore } from '../login-failure.store';
import { LoginFailureRecord, LoginFailureSchema } from './login-failure.schema';
import { MongoLoginFailureStore } from './mongo-login-failure.store';

@PersistenceModule(LoginFailureStore, MongoLoginFailureStore, [
  { name: LoginFailureRecord.name, schema: LoginFailureSchema },
])
export class LoginFailurePersistenceModule {}
