import { PersistenceModule } from '../../../platform/database/persistence-module';
import { OperatorRepository } from '../operator';
import { OperatorDocument, OperatorSchema } from './operator.schema';
import { MongoOperatorRepository } from './mongo-operator.repository';

/** The operator role: granted by `proofgate-admin`, read by the console's flow and the admin API. */
@PersistenceModule(OperatorRepository, MongoOperatorRepository, [
  { name: OperatorDocument.name, schema: OperatorSchema },
])
export class OperatorPersistenceModule {}
