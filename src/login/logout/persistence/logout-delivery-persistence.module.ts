import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LogoutDeliveryRepository } from '../logout-delivery.repository';
import { LogoutDeliveryRecord, LogoutDeliverySchema } from './logout-delivery.schema';
import { MongoLogoutDeliveryRepository } from './mongo-logout-delivery.repository';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: LogoutDeliveryRecord.name, schema: LogoutDeliverySchema }]),
  ],
  providers: [{ provide: LogoutDeliveryRepository, useClass: MongoLogoutDeliveryRepository }],
  exports: [LogoutDeliveryRepository],
})
export class LogoutDeliveryPersistenceModule {}
