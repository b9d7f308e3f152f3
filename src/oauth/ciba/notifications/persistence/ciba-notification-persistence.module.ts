import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CibaNotificationRepository } from '../ciba-notification.repository';
import { CibaNotificationRecord, CibaNotificationSchema } from './ciba-notification.schema';
import { MongoCibaNotificationRepository } from './mongo-ciba-notification.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: CibaNotificationRecord.name, schema: CibaNotificationSchema },
    ]),
  ],
  providers: [{ provide: CibaNotificationRepository, useClass: MongoCibaNotificationRepository }],
  exports: [CibaNotificationRepository],
})
export class CibaNotificationPersistenceModule {}
