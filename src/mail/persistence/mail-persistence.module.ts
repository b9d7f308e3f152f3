import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MailOutboxRepository } from '../mail-outbox.repository';
import { MailDeliveryRecord, MailDeliverySchema } from './mail-delivery.schema';
import { MongoMailOutboxRepository } from './mongo-mail-outbox.repository';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: MailDeliveryRecord.name, schema: MailDeliverySchema }]),
  ],
  providers: [{ provide: MailOutboxRepository, useClass: MongoMailOutboxRepository }],
  exports: [MailOutboxRepository],
})
export class MailPersistenceModule {}
