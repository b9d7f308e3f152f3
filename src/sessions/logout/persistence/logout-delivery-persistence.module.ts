import { PersistenceModule } from '../../../platform/database/persistence-module';
import { LogoutDeliveryRepository } from '../logout-delivery.repository';
import { LogoutDeliveryHoldRecord, LogoutDeliveryHoldSchema } from './logout-delivery-hold.schema';
import { LogoutDeliveryRecord, LogoutDeliverySchema } from './logout-delivery.schema';
import { MongoLogoutDeliveryRepository } from './mongo-logout-delivery.repository';

@PersistenceModule(LogoutDeliveryRepository, MongoLogoutDeliveryRepository, [
  { name: LogoutDeliveryRecord.name, schema: LogoutDeliverySchema },
  { name: LogoutDeliveryHoldRecord.name, schema: LogoutDeliveryHoldSchema },
])
export class LogoutDeliveryPersistenceModule {}
