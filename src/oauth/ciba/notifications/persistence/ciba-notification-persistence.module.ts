import { PersistenceModule } from '../../../../platform/database/persistence-module';
import { CibaNotificationRepository } from '../ciba-notification.repository';
import { CibaNotificationRecord, CibaNotificationSchema } from './ciba-notification.schema';
import { MongoCibaNotificationRepository } from './mongo-ciba-notification.repository';

@PersistenceModule(CibaNotificationRepository, MongoCibaNotificationRepository, [
  { name: CibaNotificationRecord.name, schema: CibaNotificationSchema },
])
export class CibaNotificationPersistenceModule {}
