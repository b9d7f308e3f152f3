import { PersistenceModule } from '../../platform/database/persistence-module';
import { MailOutboxRepository } from '../mail-outbox.repository';
import { MailDeliveryRecord, MailDeliverySchema } from './mail-delivery.schema';
import { MongoMailOutboxRepository } from './mongo-mail-outbox.repository';

@PersistenceModule(MailOutboxRepository, MongoMailOutboxRepository, [
  { name: MailDeliveryRecord.name, schema: MailDeliverySchema },
])
export class MailPersistenceModule {}
