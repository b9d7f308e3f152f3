import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LogoutDeliveryRepository } from '../logout-delivery.repository';
import { LogoutDeliveryHoldRecord, LogoutDeliveryHoldSchema } from './logout-delivery-hold.schema';
import { LogoutDeliveryRecord, LogoutDeliverySchema } from './logout-delivery.schema';
import { MongoLogoutDeliveryRepository } from './mongo-logout-delivery.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: LogoutDeliveryRecord.name, schema: LogoutDeliverySchema },
      { name: LogoutDeliveryHoldRecord.name, schema: LogoutDeliveryHoldSchema },
    ]),
  ],
  providers: [{ provide: LogoutDeliveryRepository, useClass: MongoLogoutDeliveryRepository }],
  exports: [LogoutDeliveryRepository],
})
export class LogoutDeliveryPersistenceModule {}
