import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConsentRepository } from './consent.repository';
import { ConsentService } from './consent.service';
import { ConsentRecord, ConsentSchema } from './persistence/consent.schema';
import { MongoConsentRepository } from './persistence/mongo-consent.repository';

/** Remembered consents, for /authorize and the consent form, and for the admin CLI. */
@Module({
  imports: [MongooseModule.forFeature([{ name: ConsentRecord.name, schema: ConsentSchema }])],
  providers: [{ provide: ConsentRepository, useClass: MongoConsentRepository }, ConsentService],
  exports: [ConsentService],
})
export class ConsentModule {}
